import { clone } from './objects';
import type { StoreContext } from './strategies';
import { DeleteOptions, KubeObject, ResourceType } from './types';

type Propagation = NonNullable<DeleteOptions['propagationPolicy']>;

/** What the collector needs of the store. */
export interface CollectorContext
  extends Pick<StoreContext, 'isStored' | 'remove' | 'writeSystem'> {
  lookup(
    uid: string,
  ): { resource: ResourceType; object: KubeObject } | undefined;
}

/**
 * The ownerReference garbage collector, run synchronously when an owner is
 * deleted: dependents with no other live owner are deleted, or, with
 * propagationPolicy Orphan, lose their reference to the owner and stay.
 */
export class GarbageCollector {
  /** owner uid → uids of objects naming it in ownerReferences */
  readonly #dependents = new Map<string, Set<string>>();

  /** Indexes a stored object under each owner it names. */
  index(object: KubeObject): void {
    const uid = object.metadata.uid!;
    for (const owner of object.metadata.ownerReferences ?? []) {
      let dependents = this.#dependents.get(owner.uid);
      if (!dependents) {
        dependents = new Set();
        this.#dependents.set(owner.uid, dependents);
      }
      dependents.add(uid);
    }
  }

  unindex(object: KubeObject): void {
    for (const owner of object.metadata.ownerReferences ?? []) {
      const dependents = this.#dependents.get(owner.uid);
      dependents?.delete(object.metadata.uid!);
      if (dependents?.size === 0) {
        this.#dependents.delete(owner.uid);
      }
    }
  }

  /** Deletes or orphans what depended on a deleted owner. */
  collect(
    ownerUid: string,
    propagation: Propagation,
    store: CollectorContext,
  ): void {
    const dependents = [...(this.#dependents.get(ownerUid) ?? [])];
    this.#dependents.delete(ownerUid);
    for (const dependentUid of dependents) {
      const found = store.lookup(dependentUid);
      if (!found) continue;
      const { resource, object } = found;
      if (propagation === 'Orphan') {
        store.writeSystem(resource, orphaned(object, ownerUid), object);
        continue;
      }
      // Only an object with no owner left goes.
      const liveOwner = object.metadata.ownerReferences?.some(
        ref => ref.uid !== ownerUid && store.isStored(ref.uid),
      );
      if (!liveOwner) {
        store.remove(resource, object);
      }
    }
  }
}

function orphaned(object: KubeObject, ownerUid: string): KubeObject {
  const next = clone(object);
  next.metadata.ownerReferences = next.metadata.ownerReferences?.filter(
    ref => ref.uid !== ownerUid,
  );
  if (next.metadata.ownerReferences?.length === 0) {
    delete next.metadata.ownerReferences;
  }
  return next;
}
