import {
  ClusterApi,
  KubeObject,
  ResourceRef,
  StoreEvent,
  WatchEventType,
} from '../apiserver/types';
import { controllerOf, keyOf, listIfServed } from './common';

/** The controller named in an object's ownerReferences. */
export interface ControllerRef {
  kind: string;
  name: string;
  uid: string;
}

export interface InformerEvent {
  type: WatchEventType;
  object: KubeObject;
  oldObject?: KubeObject;
  /**
   * The object's controller before and after the change, each once (none
   * after a deletion): the owners whose children changed.
   */
  controllers: ControllerRef[];
}

export type InformerHandler = (event: InformerEvent) => void;

const refId = (ref: ResourceRef) => `${ref.plural}.${ref.group}`;

/**
 * What client-go's shared informers are to Kubernetes' controllers: one watch
 * on the API feeds a cache of the objects of some resource types, an index
 * of them by controller (owner uid → children), and the handlers of the
 * controllers that share it. Controllers read the cache, not the API, so no
 * event costs a scan; it is as current as the API whenever a reconcile runs,
 * since the store delivers every write to its watchers before returning.
 */
export class SharedInformer {
  readonly #api: ClusterApi;
  readonly #resources: ResourceRef[];
  readonly #handlers = new Map<string, InformerHandler[]>();
  /** `<plural>.<group>|<namespace>/<name>` → the object as last delivered. */
  readonly #objects = new Map<string, KubeObject>();
  readonly #children = new Map<string, Set<string>>();
  readonly #controllerOf = new Map<string, ControllerRef>();
  #unsubscribe?: () => void;

  /** `resources` are listed in this order at start, which orders the first reconciles. */
  constructor(api: ClusterApi, resources: ResourceRef[]) {
    this.#api = api;
    this.#resources = resources;
  }

  on(ref: ResourceRef, handler: InformerHandler): this {
    const id = refId(ref);
    this.#handlers.set(id, [...(this.#handlers.get(id) ?? []), handler]);
    return this;
  }

  /** Watches, then delivers what exists as ADDED, as an informer's initial list does. */
  start(): void {
    this.#unsubscribe = this.#api.subscribe(event => this.#deliver(event));
    for (const ref of this.#resources) {
      for (const object of listIfServed(this.#api, ref)) {
        this.#deliver({ type: 'ADDED', resource: ref, object });
      }
    }
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  get(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.#objects.get(`${refId(ref)}|${keyOf(namespace, name)}`);
  }

  /** The cached objects of a type whose controller has this uid. */
  children(ownerUid: string, ref: ResourceRef): KubeObject[] {
    const prefix = `${refId(ref)}|`;
    return [...(this.#children.get(ownerUid) ?? [])]
      .filter(key => key.startsWith(prefix))
      .map(key => this.#objects.get(key)!);
  }

  #deliver(
    event: Pick<StoreEvent, 'type' | 'object' | 'oldObject'> & {
      resource: ResourceRef;
    },
  ): void {
    const id = refId(event.resource);
    if (!this.#resources.some(ref => refId(ref) === id)) return;
    const { object, type } = event;
    const key = `${id}|${keyOf(
      object.metadata.namespace,
      object.metadata.name!,
    )}`;
    const before = this.#controllerOf.get(key);
    const after = type === 'DELETED' ? undefined : controllerOf(object);
    if (before?.uid !== after?.uid) {
      if (before) this.#unindex(before.uid, key);
      if (after) {
        let children = this.#children.get(after.uid);
        if (!children) {
          children = new Set();
          this.#children.set(after.uid, children);
        }
        children.add(key);
      }
    }
    if (after) this.#controllerOf.set(key, after);
    else this.#controllerOf.delete(key);
    if (type === 'DELETED') this.#objects.delete(key);
    else this.#objects.set(key, object);

    const controllers = [before, after].filter(
      (ref, i, refs): ref is ControllerRef =>
        !!ref && refs.findIndex(other => other?.uid === ref.uid) === i,
    );
    for (const handler of this.#handlers.get(id) ?? []) {
      handler({ type, object, oldObject: event.oldObject, controllers });
    }
  }

  #unindex(ownerUid: string, key: string): void {
    const children = this.#children.get(ownerUid);
    children?.delete(key);
    if (children?.size === 0) this.#children.delete(ownerUid);
  }
}
