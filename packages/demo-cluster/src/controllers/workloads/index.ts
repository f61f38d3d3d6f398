import { ClusterApi } from '../../apiserver/types';
import {
  DAEMON_SETS,
  DEPLOYMENTS,
  JOBS,
  PODS,
  REPLICA_SETS,
  STATEFUL_SETS,
} from '../common';
import { SharedInformer } from '../informer';
import { Reconciler, queueKey, reconcileQueue } from '../workQueue';
import {
  WorkloadsContext,
  WorkloadsControllerOptions,
  workloadsSettings,
} from './context';
import { daemonSetController } from './daemonSet';
import { deploymentController } from './deployment';
import { jobController } from './job';
import { startKubelet } from './kubelet';
import { PodControl } from './pods';
import { replicaSetController } from './replicaSet';
import { statefulSetController } from './statefulSet';

export type { WorkloadFaults, WorkloadsControllerOptions } from './context';
export { isPodReady } from '../common';

/**
 * The built-in workload controllers and the kubelet, simulated:
 * Deployment → ReplicaSet → Pods (with rolling updates on template
 * changes), StatefulSets and DaemonSets on one node, Jobs of one pod that
 * run to completion, pod start-up with
 * realistic status, crash loops on request, and FailedCreate events with
 * backoff when admission (e.g. a dead sidecar injector) refuses a pod.
 *
 * As in Kubernetes, each kind has its own controller; they share one
 * informer (cache and owner index) and one deduplicating queue, so no
 * event causes a rescan of the cluster.
 */
export function startWorkloadsController(
  api: ClusterApi,
  options: WorkloadsControllerOptions = {},
): () => void {
  const settings = workloadsSettings(options);
  // Listed in this order at start: ReplicaSets before their pods.
  const informer = new SharedInformer(api, [
    REPLICA_SETS,
    PODS,
    DEPLOYMENTS,
    STATEFUL_SETS,
    DAEMON_SETS,
    JOBS,
  ]);
  // Filled below, once the controllers have the queue.
  const reconcilers: Record<string, Reconciler> = {};
  const queue = reconcileQueue(reconcilers, {
    retryMaxMs: settings.createRetryMaxMs,
  });
  const ctx: WorkloadsContext = {
    api,
    informer,
    queue,
    settings,
    pods: new PodControl(api, informer, queue, settings),
  };
  const kubelet = startKubelet(ctx);
  Object.assign(reconcilers, {
    Pod: kubelet.reconcile,
    ReplicaSet: replicaSetController(ctx),
    Deployment: deploymentController(ctx),
    StatefulSet: statefulSetController(ctx),
    DaemonSet: daemonSetController(ctx),
    Job: jobController(ctx),
  });

  informer
    .on(PODS, event => {
      // A pod's owners (whatever their kind) recount their pods.
      for (const owner of event.controllers) {
        queue.add(
          queueKey(owner.kind, event.object.metadata.namespace, owner.name),
        );
      }
      kubelet.observe(event);
    })
    .on(REPLICA_SETS, ({ object, controllers }) => {
      const ns = object.metadata.namespace;
      queue.add(queueKey('ReplicaSet', ns, object.metadata.name!));
      for (const owner of controllers) {
        if (owner.kind === 'Deployment') {
          queue.add(queueKey('Deployment', ns, owner.name));
        }
      }
    });
  for (const [ref, kind] of [
    [DEPLOYMENTS, 'Deployment'],
    [STATEFUL_SETS, 'StatefulSet'],
    [DAEMON_SETS, 'DaemonSet'],
    [JOBS, 'Job'],
  ] as const) {
    informer.on(ref, ({ object }) =>
      queue.add(
        queueKey(kind, object.metadata.namespace, object.metadata.name!),
      ),
    );
  }
  informer.start();

  return () => {
    informer.stop();
    queue.stop();
    kubelet.stop();
  };
}
