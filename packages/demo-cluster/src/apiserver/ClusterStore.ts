import { randomUUID } from 'node:crypto';
import {
  builtinResources,
  CUSTOM_RESOURCE_DEFINITIONS,
  NAMESPACES,
} from './builtinResources';
import {
  apiVersionOf,
  compareVersionPriority,
  deepEqual,
  deepFreeze,
  servedVersions,
  specOf,
  timestamp,
  typeKey,
} from './objects';
import { applyPatch } from './patch';
import { compileSelectors } from './selectors';
import {
  AdmissionHandler,
  ApiError,
  ClusterApi,
  DeleteOptions,
  KubeObject,
  ListOptions,
  PatchOptions,
  PatchType,
  ResourceRef,
  ResourceType,
  StoreEvent,
  WriteOptions,
} from './types';

/** @public */
export interface ClusterStoreOptions {
  /** How many change events watches can replay; older resourceVersions get 410. Default 10,000. */
  historySize?: number;
  /** Resource types served from the start. Defaults to the built-in types. */
  resources?: ResourceType[];
  /** The clock for creationTimestamp and deletionTimestamp. */
  now?: () => Date;
  /** Receives errors thrown by subscribers, which never fail the write. */
  onListenerError?: (error: unknown) => void;
}

/** A watch as the HTTP layer opens it. */
export interface WatchOptions extends ListOptions {
  /** Replay changes after this resourceVersion. Unset or '0' starts with the current objects as ADDED. */
  resourceVersion?: string;
}

interface ObjectLocation {
  type: string;
  namespace: string;
  name: string;
}

interface HistoryEntry {
  resourceVersion: number;
  event: StoreEvent;
}

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function clone<T>(value: T): T {
  return structuredClone(value);
}

function invalid(
  resource: ResourceType,
  name: string | undefined,
  field: string,
  problem: string,
): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `${resource.kind} "${name ?? ''}" is invalid: ${field}: ${problem}`,
    {
      name,
      group: resource.group,
      kind: resource.kind,
      causes: [{ reason: 'FieldValueInvalid', message: problem, field }],
    },
  );
}

function notFound(resource: ResourceRef, name: string): ApiError {
  const qualified = resource.group
    ? `${resource.plural}.${resource.group}`
    : resource.plural;
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });
}

function conflict(resource: ResourceRef, name: string, why: string): ApiError {
  const qualified = resource.group
    ? `${resource.plural}.${resource.group}`
    : resource.plural;
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": ${why}`,
    { name, group: resource.group, kind: resource.plural },
  );
}

/**
 * The demo cluster's storage: an in-memory, single-writer stand-in for etcd
 * plus the apiserver's generic registry semantics (resourceVersion,
 * generation, status subresource, admission, garbage collection, namespace
 * deletion and a bounded change history for watches).
 *
 * Stored objects are deep-frozen; `get` and `list` hand out copies, while
 * events and `snapshot` share the frozen originals so fan-out stays cheap.
 *
 * @public
 */
export class ClusterStore implements ClusterApi {
  readonly #types = new Map<string, ResourceType>();
  /** type key → namespace ('' when cluster-scoped) → name → object */
  readonly #objects = new Map<string, Map<string, Map<string, KubeObject>>>();
  readonly #locations = new Map<string, ObjectLocation>();
  /** owner uid → uids of objects naming it in ownerReferences */
  readonly #dependents = new Map<string, Set<string>>();
  readonly #admission = new Map<string, AdmissionHandler[]>();
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #pendingEvents: StoreEvent[] = [];
  #dispatching = false;

  readonly #historySize: number;
  readonly #history: (HistoryEntry | undefined)[];
  #historyStart = 0;
  #historyLength = 0;
  /** The newest resourceVersion that has fallen out of the history. */
  #compactedThrough = 0;

  #resourceVersion = 0;
  #writeCount = 0;
  readonly #now: () => Date;
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: ClusterStoreOptions = {}) {
    this.#historySize = Math.max(1, options.historySize ?? 10_000);
    this.#history = new Array(this.#historySize);
    this.#now = options.now ?? (() => new Date());
    this.#onListenerError =
      options.onListenerError ??
      (error => process.emitWarning(`demo-cluster listener failed: ${error}`));
    for (const resource of options.resources ?? builtinResources) {
      this.registerResource(resource);
    }
  }

  // Resource types

  registerResource(resource: ResourceType): void {
    const key = typeKey(resource);
    this.#types.set(key, deepFreeze(clone(resource)));
    if (!this.#objects.has(key)) {
      this.#objects.set(key, new Map());
    }
  }

  /** Stops serving a type and drops its objects (as deleting a CRD does). */
  unregisterResource(ref: ResourceRef): void {
    const resource = this.resource(ref);
    if (!resource) {
      return;
    }
    for (const object of this.#allOf(resource)) {
      this.#remove(resource, object, 'Background');
    }
    this.#types.delete(typeKey(ref));
    this.#objects.delete(typeKey(ref));
  }

  resources(): ResourceType[] {
    return [...this.#types.values()];
  }

  resource(ref: ResourceRef): ResourceType | undefined {
    return this.#types.get(typeKey(ref));
  }

  // Reads

  get(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const resource = this.#requireType(ref);
    const stored = this.#find(resource, namespace, name);
    return stored && clone(stored);
  }

  list(ref: ResourceRef, options: ListOptions = {}): KubeObject[] {
    return this.snapshot(ref, options).items.map(clone);
  }

  /**
   * The matching stored objects (frozen, not copied) and the resourceVersion
   * they are current at: what a LIST answers.
   */
  snapshot(
    ref: ResourceRef,
    options: ListOptions = {},
  ): { items: readonly KubeObject[]; resourceVersion: string } {
    const resource = this.#requireType(ref);
    const matches = compileSelectors(options);
    const items: KubeObject[] = [];
    const byNamespace = this.#objects.get(typeKey(resource))!;
    const namespaces =
      resource.namespaced && options.namespace
        ? [byNamespace.get(options.namespace)]
        : byNamespace.values();
    for (const byName of namespaces) {
      for (const object of byName?.values() ?? []) {
        if (matches(object)) {
          items.push(object);
        }
      }
    }
    return { items, resourceVersion: this.resourceVersion() };
  }

  /** The newest resourceVersion, as a list reports it. */
  resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  /** The newest resourceVersion no longer in the watch history (0 while nothing has been dropped). */
  compactedResourceVersion(): number {
    return this.#compactedThrough;
  }

  writeCount(): number {
    return this.#writeCount;
  }

  // Writes

  create(
    ref: ResourceRef,
    object: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    const resource = this.#requireType(ref);
    let next = this.#normalize(resource, clone(object));
    const metadata = next.metadata;
    for (const serverField of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'generation',
    ]) {
      delete metadata[serverField];
    }
    if (!metadata.name && metadata.generateName) {
      metadata.name = this.#generateName(resource, next);
    }
    this.#validate(resource, next);
    next = this.#admit(resource, 'CREATE', next);
    this.#validate(resource, next);

    const { namespace, name } = this.#identity(resource, next);
    if (this.#find(resource, namespace, name)) {
      const qualified = resource.group
        ? `${resource.plural}.${resource.group}`
        : resource.plural;
      throw new ApiError(
        409,
        'AlreadyExists',
        `${qualified} "${name}" already exists`,
        {
          name,
          group: resource.group,
          kind: resource.plural,
        },
      );
    }

    next.metadata.uid = randomUUID();
    next.metadata.creationTimestamp = timestamp(this.#now());
    next.metadata.generation = 1;
    this.#applyTypeDefaults(resource, next);
    if (options.dryRun) {
      return next;
    }
    next.metadata.resourceVersion = String(++this.#resourceVersion);
    const stored = deepFreeze(next);
    this.#store(resource, stored);
    this.#writeCount++;
    this.#emit({ type: 'ADDED', resource, object: stored });
    if (typeKey(resource) === typeKey(CUSTOM_RESOURCE_DEFINITIONS)) {
      this.registerResource(resourceFromCrd(stored));
    }
    return clone(stored);
  }

  update(
    ref: ResourceRef,
    object: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    return this.#replace(ref, object, 'main', options);
  }

  updateStatus(
    ref: ResourceRef,
    object: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    return this.#replace(ref, object, 'status', options);
  }

  patch(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: PatchOptions = {},
  ): KubeObject {
    const resource = this.#requireType(ref);
    const current = this.#find(resource, namespace, name);
    if (!current) {
      throw notFound(resource, name);
    }
    const patched = applyPatch(current, patchType, patch);
    patched.metadata = patched.metadata ?? {};
    // A resourceVersion the patch changes is a precondition; otherwise the
    // patch applies to the version just read (nothing can interleave).
    patched.metadata.resourceVersion ??= current.metadata.resourceVersion;
    if (
      patched.metadata.name !== current.metadata.name ||
      (resource.namespaced &&
        patched.metadata.namespace !== current.metadata.namespace)
    ) {
      throw new ApiError(
        400,
        'BadRequest',
        'the name or namespace of the object cannot be changed by a patch',
      );
    }
    return this.#replace(
      resource,
      patched,
      options.subresource === 'status' ? 'status' : 'main',
      options,
    );
  }

  delete(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): KubeObject {
    const resource = this.#requireType(ref);
    const current = this.#find(resource, namespace, name);
    if (!current) {
      throw notFound(resource, name);
    }
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid && uid !== current.metadata.uid) {
      throw conflict(
        resource,
        name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (
      resourceVersion &&
      resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(
        resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (options.dryRun) {
      return clone(current);
    }
    const deleted = this.#remove(
      resource,
      current,
      options.propagationPolicy ?? 'Background',
    );
    this.#writeCount++;
    return clone(deleted);
  }

  // Watches

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * The changes after `resourceVersion`, oldest first. Throws ApiError 410
   * Expired when some of them are no longer in the history.
   */
  eventsSince(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.#compactedThrough) {
      throw new ApiError(
        410,
        'Expired',
        `too old resource version: ${resourceVersion} (${
          this.#compactedThrough + 1
        })`,
      );
    }
    const events: StoreEvent[] = [];
    // Scan backwards: a watch usually resumes near the newest change.
    for (let i = this.#historyLength - 1; i >= 0; i--) {
      const entry =
        this.#history[(this.#historyStart + i) % this.#historySize]!;
      if (entry.resourceVersion <= resourceVersion) {
        break;
      }
      events.push(entry.event);
    }
    return events.reverse();
  }

  /**
   * Opens a watch on one resource type: the replayed history (or the current
   * objects as ADDED) and then live changes, filtered by namespace and
   * selectors. An object that stops matching a selector arrives as DELETED,
   * one that starts matching as ADDED, as the real apiserver does.
   * Returns the function that stops the watch.
   */
  watch(
    ref: ResourceRef,
    options: WatchOptions,
    onEvent: (event: StoreEvent) => void,
  ): () => void {
    const resource = this.#requireType(ref);
    const key = typeKey(resource);
    const matchesSelectors = compileSelectors(options);
    const matches = (object: KubeObject | undefined) =>
      object !== undefined &&
      (!options.namespace ||
        !resource.namespaced ||
        object.metadata.namespace === options.namespace) &&
      matchesSelectors(object);
    const filter = (event: StoreEvent): StoreEvent | undefined => {
      if (typeKey(event.resource) !== key) {
        return undefined;
      }
      const now = matches(event.object);
      if (event.type !== 'MODIFIED' || !event.oldObject) {
        return now ? event : undefined;
      }
      const before = matches(event.oldObject);
      if (before && now) return event;
      if (now) return { ...event, type: 'ADDED' };
      if (before) return { ...event, type: 'DELETED' };
      return undefined;
    };

    const initial: StoreEvent[] =
      !options.resourceVersion || options.resourceVersion === '0'
        ? this.snapshot(resource, options).items.map(object => ({
            type: 'ADDED' as const,
            resource,
            object,
          }))
        : this.eventsSince(Number(options.resourceVersion) || 0)
            .map(filter)
            .filter((event): event is StoreEvent => event !== undefined);
    for (const event of initial) {
      onEvent(event);
    }
    return this.subscribe(event => {
      const filtered = filter(event);
      if (filtered) {
        onEvent(filtered);
      }
    });
  }

  addAdmission(ref: ResourceRef, handler: AdmissionHandler): void {
    const key = typeKey(ref);
    this.#admission.set(key, [...(this.#admission.get(key) ?? []), handler]);
  }

  // Internals

  #requireType(ref: ResourceRef): ResourceType {
    const resource = this.resource(ref);
    if (!resource) {
      throw new ApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (${typeKey(ref)})`,
      );
    }
    return resource;
  }

  #find(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.#objects
      .get(typeKey(resource))
      ?.get(resource.namespaced ? namespace ?? '' : '')
      ?.get(name);
  }

  *#allOf(resource: ResourceType): Iterable<KubeObject> {
    for (const byName of [
      ...(this.#objects.get(typeKey(resource))?.values() ?? []),
    ]) {
      yield* [...byName.values()];
    }
  }

  #identity(
    resource: ResourceType,
    object: KubeObject,
  ): { namespace: string; name: string } {
    return {
      namespace: resource.namespaced ? object.metadata.namespace ?? '' : '',
      name: object.metadata.name ?? '',
    };
  }

  /** Fills apiVersion/kind and drops a namespace on cluster-scoped objects. */
  #normalize(resource: ResourceType, object: KubeObject): KubeObject {
    const versions = servedVersions(resource);
    const [group, version] = object.apiVersion?.includes('/')
      ? object.apiVersion.split('/')
      : ['', object.apiVersion];
    if (
      !object.apiVersion ||
      group !== resource.group ||
      !versions.includes(version)
    ) {
      object.apiVersion = apiVersionOf(resource.group, resource.version);
    }
    object.kind = resource.kind;
    object.metadata = object.metadata ?? {};
    if (!resource.namespaced) {
      delete object.metadata.namespace;
    }
    return object;
  }

  #validate(resource: ResourceType, object: KubeObject): void {
    const { name, namespace, labels, annotations } = object.metadata;
    if (!name) {
      throw invalid(
        resource,
        name,
        'metadata.name',
        'Required value: name or generateName is required',
      );
    }
    if (name.length > 253 || !NAME_PATTERN.test(name)) {
      throw invalid(
        resource,
        name,
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      );
    }
    if (resource.namespaced) {
      if (!namespace) {
        throw invalid(resource, name, 'metadata.namespace', 'Required value');
      }
      const owningNamespace = this.#find(
        this.#requireType(NAMESPACES),
        undefined,
        namespace,
      );
      if (!owningNamespace) {
        throw notFound(NAMESPACES, namespace);
      }
    }
    for (const [field, map] of [
      ['metadata.labels', labels],
      ['metadata.annotations', annotations],
    ] as const) {
      for (const [key, value] of Object.entries(map ?? {})) {
        if (typeof value !== 'string') {
          throw invalid(
            resource,
            name,
            `${field}[${key}]`,
            `Invalid value: must be a string`,
          );
        }
      }
    }
    if (typeKey(resource) === typeKey(CUSTOM_RESOURCE_DEFINITIONS)) {
      validateCrd(resource, object);
    }
  }

  #admit(
    resource: ResourceType,
    operation: 'CREATE' | 'UPDATE',
    object: KubeObject,
    oldObject?: KubeObject,
  ): KubeObject {
    let admitted = object;
    for (const handler of this.#admission.get(typeKey(resource)) ?? []) {
      admitted = handler({
        operation,
        resource,
        object: admitted,
        oldObject: oldObject && clone(oldObject),
      });
      admitted = this.#normalize(resource, admitted);
    }
    return admitted;
  }

  #generateName(resource: ResourceType, object: KubeObject): string {
    const prefix = object.metadata.generateName!;
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 5; i++) {
        suffix +=
          GENERATE_ALPHABET[
            Math.floor(Math.random() * GENERATE_ALPHABET.length)
          ];
      }
      const name = `${prefix}${suffix}`;
      if (!this.#find(resource, object.metadata.namespace, name)) {
        return name;
      }
    }
  }

  /** What the real registries default on create. */
  #applyTypeDefaults(resource: ResourceType, object: KubeObject): void {
    const key = typeKey(resource);
    if (key === typeKey(NAMESPACES)) {
      object.spec = { finalizers: ['kubernetes'], ...(object.spec as object) };
      object.status = { phase: 'Active', ...(object.status as object) };
    } else if (key === typeKey(CUSTOM_RESOURCE_DEFINITIONS)) {
      object.status = establishedCrdStatus(object);
    }
  }

  #replace(
    ref: ResourceRef,
    object: KubeObject,
    mode: 'main' | 'status',
    options: WriteOptions,
  ): KubeObject {
    const resource = this.#requireType(ref);
    const incoming = this.#normalize(resource, clone(object));
    const { namespace, name } = this.#identity(resource, incoming);
    const current = this.#find(resource, namespace, name);
    if (!current) {
      throw notFound(resource, name);
    }
    const { resourceVersion, uid } = incoming.metadata;
    if (
      resourceVersion &&
      resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(
        resource,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    if (uid && uid !== current.metadata.uid) {
      throw conflict(
        resource,
        name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }

    let next: KubeObject;
    if (mode === 'status') {
      next = clone(current);
      if (incoming.status === undefined) {
        delete next.status;
      } else {
        next.status = incoming.status;
      }
    } else {
      next = incoming;
      if (resource.subresources?.includes('status')) {
        if (current.status === undefined) {
          delete next.status;
        } else {
          next.status = clone(current.status);
        }
      }
    }
    const preserved = current.metadata;
    next.metadata = {
      ...next.metadata,
      uid: preserved.uid,
      creationTimestamp: preserved.creationTimestamp,
      generation: preserved.generation,
      resourceVersion: preserved.resourceVersion,
    };
    if (preserved.deletionTimestamp) {
      next.metadata.deletionTimestamp = preserved.deletionTimestamp;
    }
    if (resource.namespaced) {
      next.metadata.namespace = preserved.namespace;
    }
    this.#validate(resource, next);
    if (mode === 'main') {
      next = this.#admit(resource, 'UPDATE', next, current);
      this.#validate(resource, next);
    }
    if (typeKey(resource) === typeKey(CUSTOM_RESOURCE_DEFINITIONS)) {
      next.status = establishedCrdStatus(next);
    }
    if (deepEqual(next, current)) {
      // As the real apiserver: a no-op update is not written and not watched.
      return clone(current);
    }
    if (!deepEqual(specOf(next), specOf(current))) {
      next.metadata.generation = (preserved.generation ?? 0) + 1;
    }
    if (options.dryRun) {
      return next;
    }
    next.metadata.resourceVersion = String(++this.#resourceVersion);
    const stored = deepFreeze(next);
    this.#unindexOwners(current);
    this.#store(resource, stored);
    this.#writeCount++;
    this.#emit({
      type: 'MODIFIED',
      resource,
      object: stored,
      oldObject: current,
    });
    if (typeKey(resource) === typeKey(CUSTOM_RESOURCE_DEFINITIONS)) {
      this.registerResource(resourceFromCrd(stored));
    }
    return clone(stored);
  }

  #store(resource: ResourceType, object: KubeObject): void {
    const { namespace, name } = this.#identity(resource, object);
    const byNamespace = this.#objects.get(typeKey(resource))!;
    let byName = byNamespace.get(namespace);
    if (!byName) {
      byName = new Map();
      byNamespace.set(namespace, byName);
    }
    byName.set(name, object);
    const uid = object.metadata.uid!;
    this.#locations.set(uid, { type: typeKey(resource), namespace, name });
    for (const owner of object.metadata.ownerReferences ?? []) {
      let dependents = this.#dependents.get(owner.uid);
      if (!dependents) {
        dependents = new Set();
        this.#dependents.set(owner.uid, dependents);
      }
      dependents.add(uid);
    }
  }

  #unindexOwners(object: KubeObject): void {
    for (const owner of object.metadata.ownerReferences ?? []) {
      const dependents = this.#dependents.get(owner.uid);
      dependents?.delete(object.metadata.uid!);
      if (dependents?.size === 0) {
        this.#dependents.delete(owner.uid);
      }
    }
  }

  #objectByUid(
    uid: string,
  ): { resource: ResourceType; object: KubeObject } | undefined {
    const location = this.#locations.get(uid);
    const resource = location && this.#types.get(location.type);
    const object =
      location &&
      this.#objects
        .get(location.type)
        ?.get(location.namespace)
        ?.get(location.name);
    return resource && object ? { resource, object } : undefined;
  }

  /** Removes an object and, synchronously, whatever depends on it. */
  #remove(
    resource: ResourceType,
    object: KubeObject,
    propagation: NonNullable<DeleteOptions['propagationPolicy']>,
  ): KubeObject {
    const key = typeKey(resource);
    let current = object;
    if (key === typeKey(NAMESPACES)) {
      current = this.#markNamespaceTerminating(resource, current);
      const namespace = current.metadata.name!;
      for (const type of this.#types.values()) {
        if (!type.namespaced) continue;
        for (const inside of [
          ...(this.#objects.get(typeKey(type))?.get(namespace)?.values() ?? []),
        ]) {
          // Garbage collection may already have taken it.
          if (this.#locations.has(inside.metadata.uid!)) {
            this.#remove(type, inside, 'Background');
          }
        }
      }
    }

    const { namespace, name } = this.#identity(resource, current);
    const byNamespace = this.#objects.get(key)!;
    byNamespace.get(namespace)?.delete(name);
    if (byNamespace.get(namespace)?.size === 0) {
      byNamespace.delete(namespace);
    }
    const uid = current.metadata.uid!;
    this.#locations.delete(uid);
    this.#unindexOwners(current);
    const deleted = deepFreeze({
      ...current,
      metadata: {
        ...current.metadata,
        resourceVersion: String(++this.#resourceVersion),
      },
    });
    this.#emit({ type: 'DELETED', resource, object: deleted });

    if (key === typeKey(CUSTOM_RESOURCE_DEFINITIONS)) {
      this.unregisterResource(resourceFromCrd(current));
    }
    this.#collectDependents(uid, propagation);
    return deleted;
  }

  #markNamespaceTerminating(
    resource: ResourceType,
    namespace: KubeObject,
  ): KubeObject {
    if (namespace.metadata.deletionTimestamp) {
      return namespace;
    }
    const terminating = deepFreeze({
      ...clone(namespace),
      metadata: {
        ...clone(namespace.metadata),
        deletionTimestamp: timestamp(this.#now()),
        resourceVersion: String(++this.#resourceVersion),
      },
      status: { phase: 'Terminating' },
    });
    this.#store(resource, terminating);
    this.#emit({
      type: 'MODIFIED',
      resource,
      object: terminating,
      oldObject: namespace,
    });
    return terminating;
  }

  #collectDependents(
    ownerUid: string,
    propagation: NonNullable<DeleteOptions['propagationPolicy']>,
  ): void {
    const dependents = [...(this.#dependents.get(ownerUid) ?? [])];
    this.#dependents.delete(ownerUid);
    for (const dependentUid of dependents) {
      const found = this.#objectByUid(dependentUid);
      if (!found) continue;
      const { resource, object } = found;
      if (propagation === 'Orphan') {
        const orphaned = clone(object);
        orphaned.metadata.ownerReferences =
          orphaned.metadata.ownerReferences?.filter(
            ref => ref.uid !== ownerUid,
          );
        if (orphaned.metadata.ownerReferences?.length === 0) {
          delete orphaned.metadata.ownerReferences;
        }
        orphaned.metadata.resourceVersion = String(++this.#resourceVersion);
        const stored = deepFreeze(orphaned);
        this.#unindexOwners(object);
        this.#store(resource, stored);
        this.#emit({
          type: 'MODIFIED',
          resource,
          object: stored,
          oldObject: object,
        });
        continue;
      }
      // As the garbage collector: only an object with no owner left goes.
      const liveOwner = object.metadata.ownerReferences?.some(
        ref => ref.uid !== ownerUid && this.#locations.has(ref.uid),
      );
      if (!liveOwner) {
        this.#remove(resource, object, 'Background');
      }
    }
  }

  #record(event: StoreEvent): void {
    const resourceVersion = Number(event.object.metadata.resourceVersion);
    if (this.#historyLength === this.#historySize) {
      this.#compactedThrough =
        this.#history[this.#historyStart]!.resourceVersion;
      this.#historyStart = (this.#historyStart + 1) % this.#historySize;
      this.#historyLength--;
    }
    this.#history[
      (this.#historyStart + this.#historyLength) % this.#historySize
    ] = { resourceVersion, event };
    this.#historyLength++;
  }

  /**
   * Records the change and delivers it to listeners in resourceVersion
   * order, even when a listener writes while it is being notified.
   */
  #emit(event: StoreEvent): void {
    this.#record(event);
    this.#pendingEvents.push(event);
    if (this.#dispatching) {
      return;
    }
    this.#dispatching = true;
    try {
      for (;;) {
        const next = this.#pendingEvents.shift();
        if (!next) break;
        for (const listener of [...this.#listeners]) {
          try {
            listener(next);
          } catch (error) {
            this.#onListenerError(error);
          }
        }
      }
    } finally {
      this.#dispatching = false;
    }
  }
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: ResourceType['printerColumns'];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    shortNames?: string[];
    categories?: string[];
    listKind?: string;
  };
  versions?: CrdVersion[];
}

function validateCrd(resource: ResourceType, crd: KubeObject): void {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const name = crd.metadata.name;
  const required = (field: string, value: unknown) => {
    if (!value) {
      throw invalid(resource, name, field, 'Required value');
    }
  };
  required('spec.group', spec.group);
  required('spec.names.plural', spec.names?.plural);
  required('spec.names.kind', spec.names?.kind);
  required('spec.versions', spec.versions?.length);
  if (name !== `${spec.names!.plural}.${spec.group}`) {
    throw invalid(
      resource,
      name,
      'metadata.name',
      `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    );
  }
  if (!spec.versions!.some(version => version.served !== false)) {
    throw invalid(
      resource,
      name,
      'spec.versions',
      'must have at least one served version',
    );
  }
}

/** The resource type a CustomResourceDefinition serves. */
export function resourceFromCrd(crd: KubeObject): ResourceType {
  const spec = crd.spec as CrdSpec;
  const served = (spec.versions ?? [])
    .filter(version => version.served !== false)
    .sort((a, b) => compareVersionPriority(a.name, b.name));
  const storage = served.find(version => version.storage) ?? served[0];
  const names = spec.names!;
  const subresources = [
    ...(storage?.subresources?.status ? ['status'] : []),
    ...(storage?.subresources?.scale ? ['scale'] : []),
  ];
  return {
    group: spec.group!,
    version: served[0]?.name ?? 'v1',
    versions: served.map(version => version.name),
    kind: names.kind!,
    plural: names.plural!,
    singular: names.singular ?? names.kind!.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: names.shortNames,
    categories: names.categories,
    subresources,
    printerColumns: storage?.additionalPrinterColumns,
  };
}

function establishedCrdStatus(crd: KubeObject): Record<string, unknown> {
  const spec = crd.spec as CrdSpec;
  const previous = (crd.status ?? {}) as {
    conditions?: Array<{ type: string; lastTransitionTime?: string }>;
  };
  const since = (type: string) =>
    previous.conditions?.find(condition => condition.type === type)
      ?.lastTransitionTime ?? crd.metadata.creationTimestamp;
  return {
    acceptedNames: {
      ...spec.names,
      singular: spec.names?.singular ?? spec.names?.kind?.toLowerCase(),
      listKind: spec.names?.listKind ?? `${spec.names?.kind}List`,
    },
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: since('NamesAccepted'),
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: since('Established'),
      },
    ],
    storedVersions: (spec.versions ?? [])
      .filter(version => version.storage)
      .map(version => version.name),
  };
}
