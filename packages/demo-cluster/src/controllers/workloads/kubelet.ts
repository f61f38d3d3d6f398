import { EventRecorder, PODS, keyOf, splitKey } from '../common';
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

/**
 * The kubelet of the one node (with the scheduler's binding): a new pod is
 * Pending for `readyDelayMs`, then Running and Ready, or crash-looping with
 * a restart and a BackOff event every `crashLoopIntervalMs`.
 */
export function startKubelet(ctx: WorkloadsContext): Kubelet {
  const { api, informer, queue, settings } = ctx;
  const events = new EventRecorder(api, 'kubelet');
  const allocateIp = podIpAllocator();
  /** When each not-yet-running pod was first seen. */
  const firstSeen = new Map<string, number>();
  const crashLooping = new Set<string>();

  const observe = ({ type, object: pod }: InformerEvent) => {
    const key = keyOf(pod.metadata.namespace, pod.metadata.name!);
    if (type === 'DELETED') {
      firstSeen.delete(key);
      crashLooping.delete(key);
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
    if (!pod || pod.metadata.deletionTimestamp) {
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
    const crashing = crashLoopRequested(pod);
    api.updateStatus(PODS, {
      ...pod,
      status: podStatus(pod, 'Running', crashing ? 1 : 0, allocateIp),
    });
    if (crashing) crashLooping.add(key);
  };

  /** Restarts each crash-looping pod's app containers once more. */
  const restartCrashLooping = () => {
    for (const key of crashLooping) {
      const [ns, name] = splitKey(key);
      const pod = api.get(PODS, ns, name);
      if (!pod) {
        crashLooping.delete(key);
        continue;
      }
      const restarts =
        Math.max(
          0,
          ...(podStatusOf(pod).containerStatuses ?? []).map(
            c => c.restartCount ?? 0,
          ),
        ) + 1;
      try {
        api.updateStatus(PODS, {
          ...pod,
          status: podStatus(pod, 'Running', restarts, allocateIp),
        });
        const container = (pod.spec as { containers?: ContainerSpec[] })
          .containers?.[0]?.name;
        events.record(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${container} in pod ${name}_${ns}(${pod.metadata.uid})`,
        );
      } catch {
        // Gone in the meantime: the next tick drops it.
      }
    }
  };
  const crashTimer = setInterval(
    restartCrashLooping,
    settings.crashLoopIntervalMs,
  );
  crashTimer.unref?.();

  return { observe, reconcile, stop: () => clearInterval(crashTimer) };
}
