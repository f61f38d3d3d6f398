import { typeKey } from '../objects';
import { KubeObject, ResourceRef, ResourceType } from '../types';

interface ObjectLocation {
  type: string;
  namespace: string;
  name: string;
}

/** Where an object is stored: `''` as the namespace of cluster-scoped objects. */
export function identityOf(
  resource: ResourceType,
  object: KubeObject,
): { namespace: string; name: string } {
  return {
    namespace: resource.namespaced ? object.metadata.namespace ?? '' : '',
    name: object.metadata.name ?? '',
  };
}

/**
 * The demo cluster's etcd: objects by type, namespace and name, an index by
 * uid, and the one resourceVersion counter every write takes the next value
 * of. It knows nothing of what the objects mean.
 */
export class ObjectStorage {
  /** type key → namespace ('' when cluster-scoped) → name → object */
  readonly #objects = new Map<string, Map<string, Map<string, KubeObject>>>();
  readonly #locations = new Map<string, ObjectLocation>();
  #resourceVersion = 0;

  /** Makes room for a type's objects; keeps those already stored. */
  addType(ref: ResourceRef): void {
    if (!this.#objects.has(typeKey(ref))) {
      this.#objects.set(typeKey(ref), new Map());
    }
  }

  dropType(ref: ResourceRef): void {
    this.#objects.delete(typeKey(ref));
  }

  /** The newest resourceVersion handed out. */
  resourceVersion(): number {
    return this.#resourceVersion;
  }

  nextResourceVersion(): string {
    return String(++this.#resourceVersion);
  }

  find(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.#objects
      .get(typeKey(resource))
      ?.get(resource.namespaced ? namespace ?? '' : '')
      ?.get(name);
  }

  /** A type's objects, in one namespace when given; a copy of the list, safe to delete from. */
  objectsOf(resource: ResourceType, namespace?: string): KubeObject[] {
    const byNamespace = this.#objects.get(typeKey(resource));
    if (!byNamespace) {
      return [];
    }
    if (resource.namespaced && namespace !== undefined) {
      return [...(byNamespace.get(namespace)?.values() ?? [])];
    }
    return [...byNamespace.values()].flatMap(byName => [...byName.values()]);
  }

  /** Calls `visit` with every object of a type (in one namespace when given), without copying. */
  forEach(
    resource: ResourceType,
    namespace: string | undefined,
    visit: (object: KubeObject) => void,
  ): void {
    const byNamespace = this.#objects.get(typeKey(resource))!;
    const namespaces =
      resource.namespaced && namespace
        ? [byNamespace.get(namespace)]
        : byNamespace.values();
    for (const byName of namespaces) {
      for (const object of byName?.values() ?? []) {
        visit(object);
      }
    }
  }

  put(resource: ResourceType, object: KubeObject): void {
    const { namespace, name } = identityOf(resource, object);
    const byNamespace = this.#objects.get(typeKey(resource))!;
    let byName = byNamespace.get(namespace);
    if (!byName) {
      byName = new Map();
      byNamespace.set(namespace, byName);
    }
    byName.set(name, object);
    this.#locations.set(object.metadata.uid!, {
      type: typeKey(resource),
      namespace,
      name,
    });
  }

  delete(resource: ResourceType, object: KubeObject): void {
    const { namespace, name } = identityOf(resource, object);
    const byNamespace = this.#objects.get(typeKey(resource))!;
    byNamespace.get(namespace)?.delete(name);
    if (byNamespace.get(namespace)?.size === 0) {
      byNamespace.delete(namespace);
    }
    this.#locations.delete(object.metadata.uid!);
  }

  has(uid: string): boolean {
    return this.#locations.has(uid);
  }

  /** The stored object with this uid and the key of its type. */
  byUid(uid: string): { type: string; object: KubeObject } | undefined {
    const location = this.#locations.get(uid);
    const object =
      location &&
      this.#objects
        .get(location.type)
        ?.get(location.namespace)
        ?.get(location.name);
    return location && object ? { type: location.type, object } : undefined;
  }
}
