import { createHash } from 'node:crypto';
import { KubeObject } from '../../apiserver/types';
import { PodFailureMode } from '../../apiserver/workloadFaults';
import { CRASH_LOOP_ANNOTATION, condition, rfc3339 } from '../common';
import { ContainerSpec, podStatusOf } from './types';

const HOST_IP = '10.0.0.11';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Whether a pod's app containers crash once started because its workload
 * asks for it with an annotation (the demo's always-broken workloads; a
 * fault breaks chosen workloads in the kubelet).
 */
export function crashLoopRequested(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true';
}

/** Pod IPs from OpenShift's default pod network, one after the other. */
export function podIpAllocator(): () => string {
  let next = 2;
  return () => {
    const n = next++;
    return `10.128.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  };
}

function containerStatus(
  pod: KubeObject,
  container: ContainerSpec,
  state: 'running' | 'unready' | 'completed' | 'crashing' | 'creating',
  restartCount: number,
  startedAt: string,
) {
  const image = container.image ?? 'unknown';
  const containerId = `cri-o://${sha256(
    `${pod.metadata.uid}/${container.name}/${restartCount}`,
  )}`;
  const base = {
    name: container.name,
    image,
    imageID: `${image.split(':')[0]}@sha256:${sha256(image)}`,
    restartCount,
  };
  switch (state) {
    case 'creating':
      return {
        ...base,
        imageID: '',
        ready: false,
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      };
    case 'completed':
      return {
        ...base,
        containerID: containerId,
        ready: true,
        started: false,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt,
            finishedAt: startedAt,
            containerID: containerId,
          },
        },
        lastState: {},
      };
    case 'crashing':
      return {
        ...base,
        containerID: containerId,
        ready: false,
        started: false,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.min(
              300,
              10 * 2 ** Math.max(0, restartCount - 1),
            )}s restarting failed container=${container.name} pod=${
              pod.metadata.name
            }_${pod.metadata.namespace}(${pod.metadata.uid})`,
          },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: rfc3339(),
            finishedAt: rfc3339(),
            containerID: containerId,
          },
        },
      };
    default:
      return {
        ...base,
        containerID: containerId,
        // Running, but an `unready` one fails its readiness probe.
        ready: state === 'running',
        started: true,
        state: { running: { startedAt } },
        lastState: {},
      };
  }
}

/**
 * The status the kubelet reports for a pod in a phase: containers creating,
 * then running (app containers crash-looping or failing readiness when the
 * pod fails), native sidecars running and other init containers completed,
 * with the conditions and IP a real node would set. `restartCount` is that
 * of the app containers.
 */
export function podStatus(
  pod: KubeObject,
  phase: 'Pending' | 'Running',
  restartCount: number,
  allocateIp: () => string,
  failure?: PodFailureMode,
) {
  const previous = podStatusOf(pod);
  const spec = pod.spec as {
    containers?: ContainerSpec[];
    initContainers?: ContainerSpec[];
  };
  const startTime = previous.startTime ?? rfc3339();
  const startedAt = rfc3339();
  const isApp = (c: ContainerSpec) => c.name !== 'istio-proxy';
  const appState = (c: ContainerSpec) => {
    if (phase === 'Pending') return 'creating' as const;
    if (!isApp(c) || !failure) return 'running' as const;
    return failure === 'crashLoop'
      ? ('crashing' as const)
      : ('unready' as const);
  };
  const containerStatuses = (spec.containers ?? []).map(c =>
    containerStatus(
      pod,
      c,
      appState(c),
      isApp(c) ? restartCount : 0,
      startedAt,
    ),
  );
  // Native sidecars (restartPolicy Always) keep running; others complete.
  const initState = (c: ContainerSpec) => {
    if (phase === 'Pending') return 'creating' as const;
    return c.restartPolicy === 'Always'
      ? ('running' as const)
      : ('completed' as const);
  };
  const initContainerStatuses = (spec.initContainers ?? []).map(c =>
    containerStatus(pod, c, initState(c), 0, startedAt),
  );
  const unready = containerStatuses.filter(c => !c.ready).map(c => c.name);
  const ready = phase === 'Running' && unready.length === 0;
  const notReady = {
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${unready.join(' ')}]`,
  };
  const conditions = [
    condition(previous.conditions, {
      type: 'PodReadyToStartContainers',
      status: phase === 'Running' ? 'True' : 'False',
    }),
    condition(previous.conditions, {
      type: 'Initialized',
      status: phase === 'Running' ? 'True' : 'False',
      ...(phase === 'Running'
        ? {}
        : {
            reason: 'ContainersNotInitialized',
            message: 'containers with incomplete status: []',
          }),
    }),
    condition(previous.conditions, {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      ...(ready ? {} : notReady),
    }),
    condition(previous.conditions, {
      type: 'ContainersReady',
      status: ready ? 'True' : 'False',
      ...(ready ? {} : notReady),
    }),
    condition(previous.conditions, { type: 'PodScheduled', status: 'True' }),
  ].map(c => ({ lastProbeTime: null, ...c }));
  const podIP =
    previous.podIP ?? (phase === 'Running' ? allocateIp() : undefined);
  return {
    phase,
    conditions,
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime,
    qosClass: 'Burstable',
    ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
    containerStatuses,
  };
}
