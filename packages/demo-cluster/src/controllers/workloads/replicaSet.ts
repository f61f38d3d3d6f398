import {
  EventRecorder,
  REPLICA_SETS,
  isPodReady,
  randomSuffix,
  writeStatus,
} from '../common';
import { queueKey } from '../workQueue';
import { WorkloadsContext } from './context';
import { byDeletionPreference, replicaFailure } from './pods';
import { conditionsOf, specOf } from './types';

/** The ReplicaSet controller: keeps `spec.replicas` pods of the template. */
export function replicaSetController(ctx: WorkloadsContext) {
  const { api, informer, pods, settings } = ctx;
  const events = new EventRecorder(api, 'replicaset-controller');

  return function reconcileReplicaSet(ns: string | undefined, name: string) {
    const key = queueKey('ReplicaSet', ns, name);
    const rs = informer.get(REPLICA_SETS, ns, name);
    if (!rs) {
      pods.forget(key);
      return;
    }
    const spec = specOf(rs);
    const desired = spec.replicas ?? 1;
    let owned = pods.ownedBy(rs);
    let failure: string | undefined;
    if (owned.length < desired) {
      const names = Array.from(
        { length: desired - owned.length },
        () => `${name}-${randomSuffix()}`,
      );
      failure = pods.create(
        rs,
        key,
        names,
        podName => pods.fromTemplate(rs, spec.template ?? {}, podName, {}),
        events,
        (_, error) => `Error creating: ${error.message}`,
      );
      owned = pods.ownedBy(rs);
    } else {
      pods.forget(key);
      if (owned.length > desired) {
        const extra = [...owned]
          .sort(byDeletionPreference)
          .slice(0, owned.length - desired);
        for (const pod of extra) {
          pods.delete(pod);
          if (settings.recordNormalEvents) {
            events.record(
              rs,
              'Normal',
              'SuccessfulDelete',
              `Deleted pod: ${pod.metadata.name}`,
            );
          }
        }
        owned = pods.ownedBy(rs);
      }
    }
    const ready = owned.filter(isPodReady).length;
    const conditions = replicaFailure(conditionsOf(rs), failure);
    writeStatus(api, REPLICA_SETS, rs, {
      replicas: owned.length,
      fullyLabeledReplicas: owned.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
      ...(conditions.length ? { conditions } : {}),
    });
  };
}
