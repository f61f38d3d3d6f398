import { KubeObject } from '../../apiserver/types';
import {
  FaultWorkloadKind,
  PodFailureMode,
} from '../../apiserver/workloadFaults';
import {
  EventRecorder,
  PODS,
  REPLICA_SETS,
  controllerOf,
  keyOf,
  splitKey,
} from '../common';
import { InformerEvent } from '../informer';
import { Reconciler, queueKey } from '../workQueue';
import { WorkloadsContext } from './context';
import { crashLoopRequested, podIpAllocator, podStatus } from './podStatus';
import { ContainerSpec, podStatusOf } from './types';

export interface Kubelet {
  /** Notes a pod the watch delivered; one not yet running is queued to start. */
  observe(event: InformerEvent): void;
  reconcile: Reconciler;
  stop(): void;
}

/** A pod whose app containers fail, and whether a fault (which can be healed) made them. */
interface FailingPod {
  mode: PodFailureMode;
  fromFault: boolean;
}

/** A pod whose containers have run to completion (a Job's) is never started again. */
const isTerminal = (pod: KubeObject) =>
  ['Succeeded', 'Failed'].includes(podStatusOf(pod).phase ?? '');

const appRestarts = (pod: KubeObject) =>
  Math.max(
    0,
    ...(podStatusOf(pod).containerStatuses ?? []).map(c => c.restartCount ?? 0),
  );

/**
 * The kubelet of the one node (with the scheduler's binding): a new pod is
 * Pending for `readyDelayMs`, then Running and Ready; or, when its workload
 * asks for it or a fault has broken the workload, crash-looping (a restart
 * and a BackOff event every `crashLoopIntervalMs`) or failing its readiness
 * probe (an Unhealthy event as often). Healing the workload's fault lets
 * its failing pods recover, as a fixed app does at its next restart.
 */
export function startKubelet(ctx: WorkloadsContext): Kubelet {
  const { api, informer, queue, settings } = ctx;
  const events = new EventRecorder(api, 'kubelet');
  const allocateIp = podIpAllocator();
  /** When each not-yet-running pod was first seen. */
  const firstSeen = new Map<string, number>();
  const failing = new Map<string, FailingPod>();

  /** The workload a fault would name: a ReplicaSet's pods are its Deployment's. */
  const workloadOf = (pod: KubeObject) => {
    const namespace = pod.metadata.namespace!;
    let owner = controllerOf(pod);
    if (owner?.kind === 'ReplicaSet') {
      const rs = informer.get(REPLICA_SETS, namespace, owner.name);
      owner = (rs && controllerOf(rs)) || owner;
    }
    return {
      namespace,
      kind: (owner?.kind ?? 'Pod') as FaultWorkloadKind,
      name: owner?.name ?? pod.metadata.name!,
    };
  };

  const failureAtStart = (pod: KubeObject): FailingPod | undefined => {
    if (crashLoopRequested(pod)) return { mode: 'crashLoop', fromFault: false };
    const mode = settings.faults?.podFailureOf(workloadOf(pod));
    return mode ? { mode, fromFault: true } : undefined;
  };

  const recordFailure = (pod: KubeObject, mode: PodFailureMode) => {
    const { name, namespace, uid } = pod.metadata;
    const container = (pod.spec as { containers?: ContainerSpec[] })
      .containers?.[0]?.name;
    if (mode === 'crashLoop') {
      events.record(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${container} in pod ${name}_${namespace}(${uid})`,
      );
    } else {
      events.record(
        pod,
        'Warning',
        'Unhealthy',
        'Readiness probe failed: HTTP probe failed with statuscode: 503',
      );
    }
  };

  const observe = ({ type, object: pod }: InformerEvent) => {
    const key = keyOf(pod.metadata.namespace, pod.metadata.name!);
    if (type === 'DELETED') {
      firstSeen.delete(key);
      failing.delete(key);
      return;
    }
    if (isTerminal(pod)) {
      firstSeen.delete(key);
      return;
    }
    if (
      podStatusOf(pod).phase !== 'Running' ||
      !(pod.spec as { nodeName?: string })?.nodeName
    ) {
      if (!firstSeen.has(key)) firstSeen.set(key, Date.now());
      queue.add(queueKey('Pod', pod.metadata.namespace, pod.metadata.name!));
    }
  };

  const reconcile: Reconciler = (ns, name) => {
    const key = keyOf(ns, name);
    let pod = informer.get(PODS, ns, name);
    if (!pod || pod.metadata.deletionTimestamp || isTerminal(pod)) {
      firstSeen.delete(key);
      return;
    }
    if (!(pod.spec as { nodeName?: string })?.nodeName) {
      // The scheduler binds the pod to the only node.
      pod = api.update(PODS, {
        ...pod,
        spec: { ...(pod.spec as object), nodeName: settings.nodeName },
      });
    }
    if (podStatusOf(pod).phase === 'Running') {
      firstSeen.delete(key);
      return;
    }
    const waited = Date.now() - (firstSeen.get(key) ?? Date.now());
    if (waited < settings.readyDelayMs) {
      if (!podStatusOf(pod).phase) {
        api.updateStatus(PODS, {
          ...pod,
          status: podStatus(pod, 'Pending', 0, allocateIp),
        });
      }
      queue.addAfter(queueKey('Pod', ns, name), settings.readyDelayMs - waited);
      return;
    }
    firstSeen.delete(key);
    const failure = failureAtStart(pod);
    const crashing = failure?.mode === 'crashLoop';
    pod = api.updateStatus(PODS, {
      ...pod,
      status: podStatus(
        pod,
        'Running',
        crashing ? 1 : 0,
        allocateIp,
        failure?.mode,
      ),
    });
    if (failure) {
      failing.set(key, failure);
      // A crash shows at its first restart (the tick); a failed probe at once.
      if (failure.mode === 'unready') recordFailure(pod, failure.mode);
    }
  };

  /** Restarts each crash-looping pod's app containers once more; unready ones fail their probe again. */
  const tick = () => {
    for (const [key, { mode }] of failing) {
      const [ns, name] = splitKey(key);
      const pod = api.get(PODS, ns, name);
      if (!pod) {
        failing.delete(key);
        continue;
      }
      try {
        if (mode === 'crashLoop') {
          api.updateStatus(PODS, {
            ...pod,
            status: podStatus(
              pod,
              'Running',
              appRestarts(pod) + 1,
              allocateIp,
              mode,
            ),
          });
        }
        recordFailure(pod, mode);
      } catch {
        // Gone in the meantime: the next tick drops it.
      }
    }
  };
  const crashTimer = setInterval(tick, settings.crashLoopIntervalMs);
  crashTimer.unref?.();

  /** Pods failing from a fault that is gone run healthy again (a crashed app restarts once more, fixed). */
  const healWhereFixed = () => {
    for (const [key, { mode, fromFault }] of failing) {
      const [ns, name] = splitKey(key);
      const pod = api.get(PODS, ns, name);
      if (!fromFault || !pod) continue;
      if (settings.faults?.podFailureOf(workloadOf(pod)) === mode) continue;
      failing.delete(key);
      const restarts = appRestarts(pod) + (mode === 'crashLoop' ? 1 : 0);
      try {
        api.updateStatus(PODS, {
          ...pod,
          status: podStatus(pod, 'Running', restarts, allocateIp),
        });
      } catch {
        // Deleted meanwhile.
      }
    }
  };
  const unsubscribeFaults =
    settings.faults?.onWorkloadFaultsChange(healWhereFixed);

  return {
    observe,
    reconcile,
    stop: () => {
      clearInterval(crashTimer);
      unsubscribeFaults?.();
    },
  };
}
