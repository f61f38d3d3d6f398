import {
  DAEMON_SETS,
  EventRecorder,
  isPodReady,
  randomSuffix,
  writeStatus,
} from '../common';
import { queueKey } from '../workQueue';
import { WorkloadsContext } from './context';
import {
  REVISION_HASH,
  controllerRevision,
  countUpdated,
  deleteOneOutdated,
  replicaFailure,
} from './pods';
import { conditionsOf, specOf } from './types';

/** The DaemonSet controller, on a cluster of one node: one pod per DaemonSet. */
export function daemonSetController(ctx: WorkloadsContext) {
  const { api, informer, pods } = ctx;
  const events = new EventRecorder(api, 'daemonset-controller');
  const desired = 1;

  return function reconcileDaemonSet(ns: string | undefined, name: string) {
    const key = queueKey('DaemonSet', ns, name);
    const ds = informer.get(DAEMON_SETS, ns, name);
    if (!ds) {
      pods.forget(key);
      return;
    }
    const spec = specOf(ds);
    const revision = controllerRevision(name, spec);
    let owned = pods.ownedBy(ds);

    const extras = owned.slice(desired);
    extras.forEach(pod => pods.delete(pod));
    owned = owned.filter(p => !extras.includes(p));

    const missing = Array.from(
      { length: Math.max(0, desired - owned.length) },
      () => `${name}-${randomSuffix()}`,
    );
    const failure = pods.create(
      ds,
      key,
      missing,
      podName =>
        pods.fromTemplate(ds, spec.template ?? {}, podName, {
          [REVISION_HASH]: revision,
        }),
      events,
      (_, error) => `Error creating: ${error.message}`,
    );
    owned = pods.ownedBy(ds);
    if (deleteOneOutdated(pods, owned, revision)) owned = pods.ownedBy(ds);

    const ready = owned.filter(isPodReady).length;
    const conditions = replicaFailure(conditionsOf(ds), failure);
    writeStatus(api, DAEMON_SETS, ds, {
      observedGeneration: ds.metadata.generation,
      currentNumberScheduled: owned.length,
      desiredNumberScheduled: desired,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
      updatedNumberScheduled: countUpdated(owned, revision),
      ...(conditions.length ? { conditions } : {}),
    });
  };
}
