import { randomUUID } from 'node:crypto';
import { builtinResources, NAMESPACES } from './builtinResources';
import { CollectorContext, GarbageCollector } from './garbageCollector';
import {
  clone,
  deepEqual,
  deepFreeze,
  specOf,
  timestamp,
  typeKey,
} from './objects';
import { applyPatch } from './patch';
import {
  checkPreconditions,
  dropServerFields,
  generateName,
  keepServerFields,
  normalize,
} from './objectMeta';
import { compileSelectors } from './selectors';
import { alreadyExists, badRequest, notFound } from './status';
import { ChangeHistory } from './storage/ChangeHistory';
import { EventFanout } from './storage/EventFanout';
import { identityOf, ObjectStorage } from './storage/ObjectStorage';
import { followWatch } from './storage/watchFilter';
import { StoreContext, strategyFor } from './strategies';
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

/**
 * The demo cluster's generic registry, as the apiserver's generic store:
 * resourceVersion, generation, preconditions, admission and dry-run for
 * every type, over an in-memory, single-writer stand-in for etcd. What is
 * particular to a type (namespaces, CRDs) lives in its strategy
 * (`strategies/`), ownerReference cleanup in the garbage collector, and the
 * change window watches resume from in the change history.
 *
 * Stored objects are deep-frozen; `get` and `list` hand out copies, while
 * events and `snapshot` share the frozen originals so fan-out stays cheap.
 *
 * @public
 */
export class ClusterStore implements ClusterApi {
  readonly #types = new Map<string, ResourceType>();
  readonly #storage = new ObjectStorage();
  readonly #collector = new GarbageCollector();
  readonly #admission = new Map<string, AdmissionHandler[]>();
  readonly #history: ChangeHistory;
  readonly #fanout: EventFanout;
  #writeCount = 0;
  readonly #now: () => Date;
  /** What strategies and the collector may do to the store. */
  readonly #context: StoreContext & CollectorContext;

  constructor(options: ClusterStoreOptions = {}) {
    this.#history = new ChangeHistory(options.historySize ?? 10_000);
    this.#now = options.now ?? (() => new Date());
    this.#fanout = new EventFanout(
      options.onListenerError ??
        (error =>
          process.emitWarning(`demo-cluster listener failed: ${error}`)),
    );
    this.#context = {
      now: this.#now,
      resources: () => this.resources(),
      registerResource: resource => this.registerResource(resource),
      unregisterResource: ref => this.unregisterResource(ref),
      namespaceExists: name =>
        this.#storage.find(this.#requireType(NAMESPACES), undefined, name) !==
        undefined,
      objectsIn: (resource, namespace) =>
        this.#storage.objectsOf(resource, namespace),
      isStored: uid => this.#storage.has(uid),
      lookup: uid => {
        const found = this.#storage.byUid(uid);
        const resource = found && this.#types.get(found.type);
        return resource && { resource, object: found.object };
      },
      remove: (resource, object) => {
        this.#remove(resource, object, 'Background');
      },
      writeSystem: (resource, next, current) =>
        this.#writeSystem(resource, next, current),
    };
    for (const resource of options.resources ?? builtinResources) {
      this.registerResource(resource);
    }
  }

  // Resource types

  registerResource(resource: ResourceType): void {
    this.#types.set(typeKey(resource), deepFreeze(clone(resource)));
    this.#storage.addType(resource);
  }

  /** Stops serving a type and drops its objects (as deleting a CRD does). */
  unregisterResource(ref: ResourceRef): void {
    const resource = this.resource(ref);
    if (!resource) {
      return;
    }
    for (const object of this.#storage.objectsOf(resource)) {
      this.#remove(resource, object, 'Background');
    }
    this.#types.delete(typeKey(ref));
    this.#storage.dropType(ref);
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
    const stored = this.#storage.find(this.#requireType(ref), namespace, name);
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
    this.#storage.forEach(resource, options.namespace, object => {
      if (matches(object)) {
        items.push(object);
      }
    });
    return { items, resourceVersion: this.resourceVersion() };
  }

  /** The newest resourceVersion, as a list reports it. */
  resourceVersion(): string {
    return String(this.#storage.resourceVersion());
  }

  /** The newest resourceVersion no longer in the watch history (0 while nothing has been dropped). */
  compactedResourceVersion(): number {
    return this.#history.compactedThrough();
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
    const strategy = strategyFor(resource);
    let next = normalize(resource, clone(object));
    dropServerFields(next);
    if (!next.metadata.name && next.metadata.generateName) {
      next.metadata.name = generateName(
        next.metadata.generateName,
        taken =>
          this.#storage.find(resource, next.metadata.namespace, taken) !==
          undefined,
      );
    }
    strategy.validate(resource, next, this.#context);
    next = this.#admit(resource, 'CREATE', next);
    strategy.validate(resource, next, this.#context);

    const { namespace, name } = identityOf(resource, next);
    if (this.#storage.find(resource, namespace, name)) {
      throw alreadyExists(resource, name);
    }
    next.metadata.uid = randomUUID();
    next.metadata.creationTimestamp = timestamp(this.#now());
    next.metadata.generation = 1;
    strategy.prepareForCreate(next);
    strategy.canonicalize(next);
    if (options.dryRun) {
      return next;
    }
    next.metadata.resourceVersion = this.#storage.nextResourceVersion();
    const stored = deepFreeze(next);
    this.#put(resource, stored);
    this.#writeCount++;
    this.#emit({ type: 'ADDED', resource, object: stored });
    strategy.afterWrite(stored, this.#context);
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
    const current = this.#storage.find(resource, namespace, name);
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
      throw badRequest(
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
    const current = this.#storage.find(resource, namespace, name);
    if (!current) {
      throw notFound(resource, name);
    }
    checkPreconditions(
      resource,
      current,
      options.preconditions ?? {},
      'delete',
    );
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
    return this.#fanout.subscribe(listener);
  }

  /**
   * The changes after `resourceVersion`, oldest first. Throws ApiError 410
   * Expired when some of them are no longer in the history.
   */
  eventsSince(resourceVersion: number): StoreEvent[] {
    return this.#history.since(resourceVersion);
  }

  /**
   * Opens a watch on one resource type: the replayed history (or the current
   * objects as ADDED) and then live changes, filtered by namespace and
   * selectors (see watchFilter). Returns the function that stops the watch.
   */
  watch(
    ref: ResourceRef,
    options: WatchOptions,
    onEvent: (event: StoreEvent) => void,
  ): () => void {
    const resource = this.#requireType(ref);
    const start =
      !options.resourceVersion || options.resourceVersion === '0'
        ? { objects: this.snapshot(resource, options).items }
        : { replay: this.eventsSince(Number(options.resourceVersion) || 0) };
    return followWatch(resource, options, start, onEvent, listener =>
      this.subscribe(listener),
    );
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
      admitted = normalize(resource, admitted);
    }
    return admitted;
  }

  #replace(
    ref: ResourceRef,
    object: KubeObject,
    target: 'main' | 'status',
    options: WriteOptions,
  ): KubeObject {
    const resource = this.#requireType(ref);
    const strategy = strategyFor(resource);
    const incoming = normalize(resource, clone(object));
    const { namespace, name } = identityOf(resource, incoming);
    const current = this.#storage.find(resource, namespace, name);
    if (!current) {
      throw notFound(resource, name);
    }
    checkPreconditions(resource, current, incoming.metadata, 'update');

    let next = strategy.prepareForUpdate(resource, incoming, current, target);
    keepServerFields(resource, next, current);
    strategy.validate(resource, next, this.#context);
    if (target === 'main') {
      next = this.#admit(resource, 'UPDATE', next, current);
      strategy.validate(resource, next, this.#context);
    }
    strategy.canonicalize(next);
    if (deepEqual(next, current)) {
      // As the real apiserver: a no-op update is not written and not watched.
      return clone(current);
    }
    if (!deepEqual(specOf(next), specOf(current))) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (options.dryRun) {
      return next;
    }
    next.metadata.resourceVersion = this.#storage.nextResourceVersion();
    const stored = deepFreeze(next);
    this.#collector.unindex(current);
    this.#put(resource, stored);
    this.#writeCount++;
    this.#emit({
      type: 'MODIFIED',
      resource,
      object: stored,
      oldObject: current,
    });
    strategy.afterWrite(stored, this.#context);
    return clone(stored);
  }

  /** Stores a change the server itself makes: no admission, no write count. */
  #writeSystem(
    resource: ResourceType,
    next: KubeObject,
    current: KubeObject,
  ): KubeObject {
    const stored = deepFreeze({
      ...next,
      metadata: {
        ...next.metadata,
        resourceVersion: this.#storage.nextResourceVersion(),
      },
    });
    this.#collector.unindex(current);
    this.#put(resource, stored);
    this.#emit({
      type: 'MODIFIED',
      resource,
      object: stored,
      oldObject: current,
    });
    return stored;
  }

  #put(resource: ResourceType, object: KubeObject): void {
    this.#storage.put(resource, object);
    this.#collector.index(object);
  }

  /** Removes an object and, synchronously, whatever depends on it. */
  #remove(
    resource: ResourceType,
    object: KubeObject,
    propagation: NonNullable<DeleteOptions['propagationPolicy']>,
  ): KubeObject {
    const strategy = strategyFor(resource);
    const current = strategy.beforeDelete(resource, object, this.#context);
    this.#storage.delete(resource, current);
    this.#collector.unindex(current);
    const deleted = deepFreeze({
      ...current,
      metadata: {
        ...current.metadata,
        resourceVersion: this.#storage.nextResourceVersion(),
      },
    });
    this.#emit({ type: 'DELETED', resource, object: deleted });
    strategy.afterDelete(current, this.#context);
    this.#collector.collect(current.metadata.uid!, propagation, this.#context);
    return deleted;
  }

  #emit(event: StoreEvent): void {
    this.#history.record(event);
    this.#fanout.emit(event);
  }
}
