import { clone, timestamp } from '../objects';
import { genericStrategy, ResourceStrategy } from './strategy';

/**
 * Namespaces start Active with the `kubernetes` finalizer. Deleting one
 * marks it Terminating and then, synchronously (the namespace controller's
 * work), deletes everything in it.
 */
export const namespaceStrategy: ResourceStrategy = {
  ...genericStrategy,
  prepareForCreate(object) {
    object.spec = { finalizers: ['kubernetes'], ...(object.spec as object) };
    object.status = { phase: 'Active', ...(object.status as object) };
  },
  beforeDelete(resource, namespace, store) {
    const terminating = namespace.metadata.deletionTimestamp
      ? namespace
      : store.writeSystem(
          resource,
          {
            ...clone(namespace),
            metadata: {
              ...clone(namespace.metadata),
              deletionTimestamp: timestamp(store.now()),
            },
            status: { phase: 'Terminating' },
          },
          namespace,
        );
    const name = terminating.metadata.name!;
    for (const type of store.resources()) {
      if (!type.namespaced) continue;
      for (const inside of store.objectsIn(type, name)) {
        // Garbage collection may already have taken it.
        if (store.isStored(inside.metadata.uid!)) {
          store.remove(type, inside);
        }
      }
    }
    return terminating;
  },
};
