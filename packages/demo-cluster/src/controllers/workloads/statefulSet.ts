import {
  EventRecorder,
  STATEFUL_SETS,
  isPodReady,
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

/**
 * The StatefulSet controller: pods `<name>-0` … `<name>-(n-1)`, the highest
 * ordinals dropped on scale-down, replaced one at a time on a template change.
 */
export function statefulSetController(ctx: WorkloadsContext) {
  const { api, informer, pods } = ctx;
  const events = new EventRecorder(api, 'statefulset-controller');

  return function reconcileStatefulSet(ns: string | undefined, name: string) {
    const key = queueKey('StatefulSet', ns, name);
    const sts = informer.get(STATEFUL_SETS, ns, name);
    if (!sts) {
      pods.forget(key);
      return;
    }
    const spec = specOf(sts);
    const desired = spec.replicas ?? 1;
    const revision = controllerRevision(name, spec);
    let owned = pods.ownedBy(sts);

    const wanted = Array.from({ length: desired }, (_, i) => `${name}-${i}`);
    const extras = owned.filter(p => !wanted.includes(p.metadata.name!));
    extras.forEach(pod => pods.delete(pod));
    owned = owned.filter(p => !extras.includes(p));

    const missing = wanted.filter(
      podName => !owned.some(p => p.metadata.name === podName),
    );
    const failure = pods.create(
      sts,
      key,
      missing,
      podName =>
        pods.fromTemplate(sts, spec.template ?? {}, podName, {
          [REVISION_HASH]: revision,
          'statefulset.kubernetes.io/pod-name': podName,
          'apps.kubernetes.io/pod-index': podName.slice(name.length + 1),
        }),
      events,
      (podName, error) =>
        `create Pod ${podName} in StatefulSet ${name} failed error: ${error.message}`,
    );
    owned = pods.ownedBy(sts);
    if (deleteOneOutdated(pods, owned, revision)) owned = pods.ownedBy(sts);

    const ready = owned.filter(isPodReady).length;
    const updated = countUpdated(owned, revision);
    const conditions = replicaFailure(conditionsOf(sts), failure);
    writeStatus(api, STATEFUL_SETS, sts, {
      observedGeneration: sts.metadata.generation,
      replicas: owned.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      ...(conditions.length ? { conditions } : {}),
    });
  };
}
