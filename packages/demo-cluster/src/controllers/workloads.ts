import { createHash } from 'node:crypto';
import { ClusterApi, KubeObject, StoreEvent } from '../apiserver/types';
import {
  CRASH_LOOP_ANNOTATION,
  Condition,
  DAEMON_SETS,
  DEPLOYMENTS,
  EventRecorder,
  PODS,
  REPLICA_SETS,
  STATEFUL_SETS,
  WorkQueue,
  condition,
  controllerOf,
  isApiError,
  keyOf,
  ownerReference,
  randomSuffix,
  rfc3339,
  shortHash,
  splitKey,
  writeStatus,
} from './common';

export interface WorkloadsControllerOptions {
  /** How long a new pod stays Pending before it is Running and Ready. Default 1500 ms. */
  readyDelayMs?: number;
  /** How often a crash-looping container restarts. Default 10 s. */
  crashLoopIntervalMs?: number;
  /** First retry after a refused pod creation; doubles up to createRetryMaxMs. Default 1 s. */
  createRetryBaseMs?: number;
  createRetryMaxMs?: number;
  /** Record SuccessfulCreate/ScalingReplicaSet events. Default true. */
  recordNormalEvents?: boolean;
  /** The one simulated node. Default `demo-node-1`. */
  nodeName?: string;
}

interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: PodTemplate;
  revisionHistoryLimit?: number;
  strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
}

interface ContainerSpec {
  name: string;
  image?: string;
  restartPolicy?: string;
}

interface PodStatus {
  phase?: string;
  podIP?: string;
  startTime?: string;
  conditions?: Condition[];
  containerStatuses?: Array<{ name: string; restartCount?: number }>;
}

const POD_TEMPLATE_HASH = 'pod-template-hash';
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const REVISION_HASH = 'controller-revision-hash';
const HOST_IP = '10.0.0.11';

const specOf = (object: KubeObject) => (object.spec ?? {}) as WorkloadSpec;
const statusOf = (pod: KubeObject) => (pod.status ?? {}) as PodStatus;

export function isPodReady(pod: KubeObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    !!statusOf(pod).conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    )
  );
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * The built-in workload controllers and the kubelet, simulated:
 * Deployment → ReplicaSet → Pods (with rolling updates on template
 * changes), StatefulSets and DaemonSets on one node, pod start-up with
 * realistic status, crash loops on request, and FailedCreate events with
 * backoff when admission (e.g. a dead sidecar injector) refuses a pod.
 *
 * Work is driven by watch events through a deduplicating queue with
 * in-memory owner indexes, so no event causes a rescan of the cluster.
 */
export function startWorkloadsController(
  api: ClusterApi,
  options: WorkloadsControllerOptions = {},
): () => void {
  const readyDelayMs = options.readyDelayMs ?? 1500;
  const crashLoopIntervalMs = options.crashLoopIntervalMs ?? 10_000;
  const retryBaseMs = options.createRetryBaseMs ?? 1000;
  const retryMaxMs = options.createRetryMaxMs ?? 30_000;
  const recordNormal = options.recordNormalEvents ?? true;
  const nodeName = options.nodeName ?? 'demo-node-1';

  const events = {
    ReplicaSet: new EventRecorder(api, 'replicaset-controller'),
    Deployment: new EventRecorder(api, 'deployment-controller'),
    StatefulSet: new EventRecorder(api, 'statefulset-controller'),
    DaemonSet: new EventRecorder(api, 'daemonset-controller'),
    Pod: new EventRecorder(api, 'kubelet'),
  };

  /** `<Kind>/<ns>/<name>` of a pod owner → its pods' names. */
  const podsByOwner = new Map<string, Set<string>>();
  const ownerOfPod = new Map<string, string>();
  /** `<ns>/<deployment>` → its ReplicaSets' names. */
  const replicaSetsByDeployment = new Map<string, Set<string>>();
  const deploymentOfReplicaSet = new Map<string, string>();
  /** When each not-yet-running pod was first seen. */
  // The latest pods as watch events delivered them (frozen, shared with the
  // store), so owners can count their pods without copying each one.
  const podCache = new Map<string, KubeObject>();
  const firstSeen = new Map<string, number>();
  const crashLooping = new Set<string>();
  const createFailures = new Map<
    string,
    { failures: number; until: number; message: string }
  >();
  let nextPodIp = 2;

  const queue = new WorkQueue(key => reconcile(key), {
    retryBaseMs: 200,
    retryMaxMs,
  });

  const addToIndex = (
    index: Map<string, Set<string>>,
    reverse: Map<string, string>,
    childKey: string,
    parentKey: string | undefined,
    childName: string,
  ) => {
    const previous = reverse.get(childKey);
    if (previous === parentKey) return;
    if (previous) {
      index.get(previous)?.delete(childName);
      if (index.get(previous)?.size === 0) index.delete(previous);
      reverse.delete(childKey);
    }
    if (parentKey) {
      let children = index.get(parentKey);
      if (!children) {
        children = new Set();
        index.set(parentKey, children);
      }
      children.add(childName);
      reverse.set(childKey, parentKey);
    }
  };

  const onPod = (type: StoreEvent['type'], pod: KubeObject) => {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const key = keyOf(ns, name);
    const owner = controllerOf(pod);
    const ownerKey =
      owner && type !== 'DELETED'
        ? `${owner.kind}/${ns}/${owner.name}`
        : undefined;
    const previousOwner = ownerOfPod.get(key);
    addToIndex(podsByOwner, ownerOfPod, key, ownerKey, name);
    for (const affected of new Set([previousOwner, ownerKey])) {
      if (affected) queue.add(affected);
    }
    if (type === 'DELETED') {
      podCache.delete(key);
      firstSeen.delete(key);
      crashLooping.delete(key);
      return;
    }
    podCache.set(key, pod);
    const status = statusOf(pod);
    if (
      status.phase !== 'Running' ||
      !(pod.spec as { nodeName?: string })?.nodeName
    ) {
      if (!firstSeen.has(key)) firstSeen.set(key, Date.now());
      queue.add(`Pod/${key}`);
    }
  };

  const onReplicaSet = (type: StoreEvent['type'], rs: KubeObject) => {
    const ns = rs.metadata.namespace!;
    const key = keyOf(ns, rs.metadata.name!);
    const owner = controllerOf(rs);
    const deploymentKey =
      owner?.kind === 'Deployment' && type !== 'DELETED'
        ? keyOf(ns, owner.name)
        : undefined;
    const previous = deploymentOfReplicaSet.get(key);
    addToIndex(
      replicaSetsByDeployment,
      deploymentOfReplicaSet,
      key,
      deploymentKey,
      rs.metadata.name!,
    );
    queue.add(`ReplicaSet/${key}`);
    for (const affected of new Set([previous, deploymentKey])) {
      if (affected) queue.add(`Deployment/${affected}`);
    }
  };

  const onEvent = (event: StoreEvent) => {
    const { group, plural } = event.resource;
    const object = event.object;
    if (group === '' && plural === 'pods') {
      onPod(event.type, object);
    } else if (group === 'apps') {
      const key = keyOf(object.metadata.namespace, object.metadata.name!);
      if (plural === 'replicasets') onReplicaSet(event.type, object);
      else if (plural === 'deployments') queue.add(`Deployment/${key}`);
      else if (plural === 'statefulsets') queue.add(`StatefulSet/${key}`);
      else if (plural === 'daemonsets') queue.add(`DaemonSet/${key}`);
    }
  };

  // ---- Pods (the kubelet's part)

  const containerStatus = (
    pod: KubeObject,
    container: ContainerSpec,
    state: 'running' | 'completed' | 'crashing' | 'creating',
    restartCount: number,
    startedAt: string,
  ) => {
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
          ready: true,
          started: true,
          state: { running: { startedAt } },
          lastState: {},
        };
    }
  };

  const podStatus = (
    pod: KubeObject,
    phase: 'Pending' | 'Running',
    restartCount = 0,
  ) => {
    const previous = statusOf(pod);
    const spec = pod.spec as {
      containers?: ContainerSpec[];
      initContainers?: ContainerSpec[];
    };
    const crashing =
      phase === 'Running' &&
      pod.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true';
    const startTime = previous.startTime ?? rfc3339();
    const startedAt = rfc3339();
    const appState = (c: ContainerSpec) => {
      if (phase === 'Pending') return 'creating' as const;
      return crashing && c.name !== 'istio-proxy'
        ? ('crashing' as const)
        : ('running' as const);
    };
    const containerStatuses = (spec.containers ?? []).map(c =>
      containerStatus(
        pod,
        c,
        appState(c),
        crashing && c.name !== 'istio-proxy' ? restartCount : 0,
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
      previous.podIP ??
      (phase === 'Running'
        ? `10.128.${Math.floor(nextPodIp / 254) % 256}.${
            (nextPodIp++ % 254) + 1
          }`
        : undefined);
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
  };

  const reconcilePod = (ns: string, name: string) => {
    const key = keyOf(ns, name);
    let pod = podCache.get(key);
    if (!pod || pod.metadata.deletionTimestamp) {
      firstSeen.delete(key);
      return;
    }
    if (!(pod.spec as { nodeName?: string })?.nodeName) {
      // The scheduler binds the pod to the only node.
      pod = api.update(PODS, {
        ...pod,
        spec: { ...(pod.spec as object), nodeName },
      });
    }
    if (statusOf(pod).phase === 'Running') {
      firstSeen.delete(key);
      return;
    }
    const waited = Date.now() - (firstSeen.get(key) ?? Date.now());
    if (waited < readyDelayMs) {
      if (!statusOf(pod).phase) {
        api.updateStatus(PODS, { ...pod, status: podStatus(pod, 'Pending') });
      }
      queue.addAfter(`Pod/${key}`, readyDelayMs - waited);
      return;
    }
    firstSeen.delete(key);
    const crashing =
      pod.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true';
    api.updateStatus(PODS, {
      ...pod,
      status: podStatus(pod, 'Running', crashing ? 1 : 0),
    });
    if (crashing) crashLooping.add(key);
  };

  const crashTimer = setInterval(() => {
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
          ...(statusOf(pod).containerStatuses ?? []).map(
            c => c.restartCount ?? 0,
          ),
        ) + 1;
      try {
        api.updateStatus(PODS, {
          ...pod,
          status: podStatus(pod, 'Running', restarts),
        });
        const container = (pod.spec as { containers?: ContainerSpec[] })
          .containers?.[0]?.name;
        events.Pod.record(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${container} in pod ${name}_${ns}(${pod.metadata.uid})`,
        );
      } catch {
        // Gone in the meantime: the next tick drops it.
      }
    }
  }, crashLoopIntervalMs);
  crashTimer.unref?.();

  // ---- Creating pods, with FailedCreate events and backoff

  const podFromTemplate = (
    owner: KubeObject,
    template: PodTemplate,
    name: string,
    extraLabels: Record<string, string>,
  ): KubeObject => {
    const annotations = { ...template.metadata?.annotations };
    if (owner.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true') {
      annotations[CRASH_LOOP_ANNOTATION] = 'true';
    }
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...template.metadata?.labels, ...extraLabels },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ownerReferences: [ownerReference(owner)],
      },
      spec: {
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        ...structuredClone(template.spec ?? {}),
        nodeName,
      },
    };
  };

  /**
   * Creates pods until `count` are made or one is refused; a refusal is
   * recorded as a FailedCreate event and retried with exponential backoff.
   * Returns the standing failure message, if any.
   */
  const createPods = (
    owner: KubeObject,
    queueKey: string,
    names: string[],
    make: (name: string) => KubeObject,
    recorder: EventRecorder,
    describeFailure: (name: string, error: Error) => string,
  ): string | undefined => {
    const failure = createFailures.get(queueKey);
    if (names.length === 0) {
      createFailures.delete(queueKey);
      return undefined;
    }
    const now = Date.now();
    if (failure && failure.until > now) {
      queue.addAfter(queueKey, failure.until - now);
      return failure.message;
    }
    for (const name of names) {
      try {
        const pod = api.create(PODS, make(name));
        if (recordNormal) {
          recorder.record(
            owner,
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${pod.metadata.name}`,
          );
        }
      } catch (error) {
        if (isApiError(error, 409)) continue; // name taken; next round picks another
        const failures = (failure?.failures ?? 0) + 1;
        const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (failures - 1));
        const message = describeFailure(name, error as Error);
        createFailures.set(queueKey, {
          failures,
          until: Date.now() + delay,
          message,
        });
        recorder.record(owner, 'Warning', 'FailedCreate', message);
        queue.addAfter(queueKey, delay);
        return message;
      }
    }
    createFailures.delete(queueKey);
    return undefined;
  };

  const ownedPods = (ownerKey: string, ns: string) =>
    [...(podsByOwner.get(ownerKey) ?? [])]
      .map(name => podCache.get(keyOf(ns, name)))
      .filter((p): p is KubeObject => !!p && !p.metadata.deletionTimestamp);

  const deletePod = (pod: KubeObject) => {
    try {
      api.delete(PODS, pod.metadata.namespace, pod.metadata.name!);
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
    }
  };

  /** Pods to remove first when scaling down: unready, then newest. */
  const byDeletionPreference = (a: KubeObject, b: KubeObject) =>
    Number(isPodReady(a)) - Number(isPodReady(b)) ||
    (b.metadata.creationTimestamp ?? '').localeCompare(
      a.metadata.creationTimestamp ?? '',
    );

  const replicaFailure = (
    previous: Condition[] | undefined,
    message?: string,
  ) =>
    message
      ? [
          condition(previous, {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message,
          }),
        ]
      : [];

  // ---- ReplicaSets

  const reconcileReplicaSet = (ns: string, name: string) => {
    const queueKey = `ReplicaSet/${ns}/${name}`;
    const rs = api.get(REPLICA_SETS, ns, name);
    if (!rs) {
      createFailures.delete(queueKey);
      return;
    }
    const spec = specOf(rs);
    const desired = spec.replicas ?? 1;
    let pods = ownedPods(queueKey, ns);
    let failure: string | undefined;
    if (pods.length < desired) {
      const names = Array.from(
        { length: desired - pods.length },
        () => `${name}-${randomSuffix()}`,
      );
      failure = createPods(
        rs,
        queueKey,
        names,
        podName => podFromTemplate(rs, spec.template ?? {}, podName, {}),
        events.ReplicaSet,
        (_, error) => `Error creating: ${error.message}`,
      );
      pods = ownedPods(queueKey, ns);
    } else {
      createFailures.delete(queueKey);
      if (pods.length > desired) {
        const extra = [...pods]
          .sort(byDeletionPreference)
          .slice(0, pods.length - desired);
        for (const pod of extra) {
          deletePod(pod);
          if (recordNormal) {
            events.ReplicaSet.record(
              rs,
              'Normal',
              'SuccessfulDelete',
              `Deleted pod: ${pod.metadata.name}`,
            );
          }
        }
        pods = ownedPods(queueKey, ns);
      }
    }
    const ready = pods.filter(isPodReady).length;
    const previous = (rs.status ?? {}) as { conditions?: Condition[] };
    const conditions = replicaFailure(previous.conditions, failure);
    writeStatus(api, REPLICA_SETS, rs, {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
      ...(conditions.length ? { conditions } : {}),
    });
  };

  // ---- Deployments

  const reconcileDeployment = (ns: string, name: string) => {
    const deployment = api.get(DEPLOYMENTS, ns, name);
    if (!deployment) return;
    const key = keyOf(ns, name);
    const spec = specOf(deployment);
    const desired = spec.replicas ?? 1;
    const template = spec.template ?? {};
    const hash = shortHash(template);
    let replicaSets = [...(replicaSetsByDeployment.get(key) ?? [])]
      .map(rsName => api.get(REPLICA_SETS, ns, rsName))
      .filter((rs): rs is KubeObject => !!rs);
    const maxRevision = Math.max(0, ...replicaSets.map(revisionOf));
    let current = replicaSets.find(
      rs => rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash,
    );

    if (!current) {
      const labels = {
        ...template.metadata?.labels,
        [POD_TEMPLATE_HASH]: hash,
      };
      const crashLoop =
        deployment.metadata.annotations?.[CRASH_LOOP_ANNOTATION];
      current = api.create(REPLICA_SETS, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels,
          annotations: {
            [REVISION_ANNOTATION]: String(maxRevision + 1),
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired * 2),
            ...(crashLoop ? { [CRASH_LOOP_ANNOTATION]: crashLoop } : {}),
          },
          ownerReferences: [ownerReference(deployment)],
        },
        spec: {
          replicas: desired,
          selector: {
            matchLabels: {
              ...spec.selector?.matchLabels,
              [POD_TEMPLATE_HASH]: hash,
            },
          },
          template: {
            metadata: { ...template.metadata, labels },
            spec: template.spec,
          },
        },
      });
      replicaSets = [...replicaSets, current];
      if (recordNormal) {
        events.Deployment.record(
          deployment,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${current.metadata.name} to ${desired}`,
        );
      }
    } else if (
      specOf(current).replicas !== desired ||
      revisionOf(current) < maxRevision
    ) {
      // Scaled, or rolled back to an older template, which then becomes the
      // newest revision.
      current = api.update(REPLICA_SETS, {
        ...current,
        metadata: {
          ...current.metadata,
          annotations: {
            ...current.metadata.annotations,
            [REVISION_ANNOTATION]: String(
              revisionOf(current) < maxRevision
                ? maxRevision + 1
                : revisionOf(current),
            ),
          },
        },
        spec: { ...(current.spec as object), replicas: desired },
      });
    }

    // Old ReplicaSets keep only as many pods as the new one still lacks
    // ready ones: new pods come up, then old ones go.
    const currentName = current.metadata.name;
    const newReady =
      ((current.status ?? {}) as { readyReplicas?: number }).readyReplicas ?? 0;
    let allowance = Math.max(0, desired - newReady);
    const old = replicaSets
      .filter(rs => rs.metadata.name !== currentName)
      .sort((a, b) => revisionOf(b) - revisionOf(a));
    for (const rs of old) {
      const replicas = specOf(rs).replicas ?? 0;
      const target = Math.min(replicas, allowance);
      allowance -= target;
      if (target !== replicas) {
        api.update(REPLICA_SETS, {
          ...rs,
          spec: { ...(rs.spec as object), replicas: target },
        });
        if (recordNormal) {
          events.Deployment.record(
            deployment,
            'Normal',
            'ScalingReplicaSet',
            `Scaled down replica set ${rs.metadata.name} to ${target} from ${replicas}`,
          );
        }
      }
    }
    // Keep revisionHistoryLimit old, scaled-down ReplicaSets.
    const limit = spec.revisionHistoryLimit ?? 10;
    const idle = old.filter(
      rs =>
        (specOf(rs).replicas ?? 0) === 0 &&
        ((rs.status as { replicas?: number })?.replicas ?? 0) === 0,
    );
    for (const rs of idle.slice(limit)) {
      try {
        api.delete(REPLICA_SETS, ns, rs.metadata.name!);
      } catch (error) {
        if (!isApiError(error, 404)) throw error;
      }
    }

    const statuses = replicaSets.map(
      rs =>
        (rs.metadata.name === currentName ? current! : rs).status as
          | {
              replicas?: number;
              readyReplicas?: number;
              availableReplicas?: number;
              conditions?: Condition[];
            }
          | undefined,
    );
    const sum = (field: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
      statuses.reduce((total, s) => total + (s?.[field] ?? 0), 0);
    const currentStatus = (current.status ?? {}) as {
      replicas?: number;
      availableReplicas?: number;
      conditions?: Condition[];
    };
    const replicas = sum('replicas');
    const available = sum('availableReplicas');
    const updated = currentStatus.replicas ?? 0;
    const maxUnavailable = resolvePercent(
      spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
      desired,
    );
    const previous = (deployment.status ?? {}) as { conditions?: Condition[] };
    const complete =
      updated === desired &&
      replicas === desired &&
      (currentStatus.availableReplicas ?? 0) === desired;
    const failure = currentStatus.conditions?.find(
      c => c.type === 'ReplicaFailure' && c.status === 'True',
    );
    const conditions = [
      withUpdateTime(
        previous.conditions,
        available >= desired - maxUnavailable
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
      ),
      withUpdateTime(previous.conditions, {
        type: 'Progressing',
        status: 'True',
        ...(complete
          ? {
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${currentName}" has successfully progressed.`,
            }
          : {
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${currentName}" is progressing.`,
            }),
      }),
      ...(failure
        ? [
            withUpdateTime(previous.conditions, {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: failure.message,
            }),
          ]
        : []),
    ];
    writeStatus(api, DEPLOYMENTS, deployment, {
      observedGeneration: deployment.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      ...(replicas - available > 0
        ? { unavailableReplicas: replicas - available }
        : {}),
      conditions,
    });
  };

  // ---- StatefulSets and DaemonSets (one node, so one pod per DaemonSet)

  const reconcileOrdered = (
    kind: 'StatefulSet' | 'DaemonSet',
    ns: string,
    name: string,
  ) => {
    const ref = kind === 'StatefulSet' ? STATEFUL_SETS : DAEMON_SETS;
    const queueKey = `${kind}/${ns}/${name}`;
    const workload = api.get(ref, ns, name);
    if (!workload) {
      createFailures.delete(queueKey);
      return;
    }
    const spec = specOf(workload);
    const desired = kind === 'StatefulSet' ? spec.replicas ?? 1 : 1;
    const revision = `${name}-${shortHash(spec.template ?? {})}`;
    let pods = ownedPods(queueKey, ns);
    const podNameAt = (i: number) =>
      kind === 'StatefulSet' ? `${name}-${i}` : `${name}-${randomSuffix()}`;

    // Too many (scaled down): drop the highest ordinals / extras.
    const wanted = new Set(
      kind === 'StatefulSet'
        ? Array.from({ length: desired }, (_, i) => podNameAt(i))
        : [],
    );
    const extras =
      kind === 'StatefulSet'
        ? pods.filter(p => !wanted.has(p.metadata.name!))
        : pods.slice(desired);
    extras.forEach(deletePod);
    pods = pods.filter(p => !extras.includes(p));

    const missing =
      kind === 'StatefulSet'
        ? [...wanted].filter(n => !pods.some(p => p.metadata.name === n))
        : Array.from({ length: Math.max(0, desired - pods.length) }, () =>
            podNameAt(0),
          );
    const failure = createPods(
      workload,
      queueKey,
      missing,
      podName =>
        podFromTemplate(workload, spec.template ?? {}, podName, {
          [REVISION_HASH]: revision,
          ...(kind === 'StatefulSet'
            ? {
                'statefulset.kubernetes.io/pod-name': podName,
                'apps.kubernetes.io/pod-index': podName.slice(name.length + 1),
              }
            : {}),
        }),
      events[kind],
      (podName, error) =>
        kind === 'StatefulSet'
          ? `create Pod ${podName} in StatefulSet ${name} failed error: ${error.message}`
          : `Error creating: ${error.message}`,
    );
    pods = ownedPods(queueKey, ns);

    // Rolling update: replace one outdated pod at a time, once the rest are ready.
    const outdated = pods.filter(
      p => p.metadata.labels?.[REVISION_HASH] !== revision,
    );
    if (
      outdated.length &&
      pods.every(p => isPodReady(p) || outdated.includes(p))
    ) {
      const victim = outdated.sort((a, b) =>
        b.metadata.name!.localeCompare(a.metadata.name!, undefined, {
          numeric: true,
        }),
      )[0];
      deletePod(victim);
      pods = ownedPods(queueKey, ns);
    }

    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter(
      p => p.metadata.labels?.[REVISION_HASH] === revision,
    ).length;
    const previous = (workload.status ?? {}) as { conditions?: Condition[] };
    const conditions = replicaFailure(previous.conditions, failure);
    const status =
      kind === 'StatefulSet'
        ? {
            observedGeneration: workload.metadata.generation,
            replicas: pods.length,
            readyReplicas: ready,
            availableReplicas: ready,
            currentReplicas: updated,
            updatedReplicas: updated,
            currentRevision: revision,
            updateRevision: revision,
            collisionCount: 0,
            ...(conditions.length ? { conditions } : {}),
          }
        : {
            observedGeneration: workload.metadata.generation,
            currentNumberScheduled: pods.length,
            desiredNumberScheduled: desired,
            numberMisscheduled: 0,
            numberReady: ready,
            numberAvailable: ready,
            ...(desired - ready > 0
              ? { numberUnavailable: desired - ready }
              : {}),
            updatedNumberScheduled: updated,
            ...(conditions.length ? { conditions } : {}),
          };
    writeStatus(api, ref, workload, status);
  };

  function reconcile(key: string) {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const [ns, name] = splitKey(key.slice(slash + 1));
    switch (kind) {
      case 'Pod':
        reconcilePod(ns!, name);
        break;
      case 'ReplicaSet':
        reconcileReplicaSet(ns!, name);
        break;
      case 'Deployment':
        reconcileDeployment(ns!, name);
        break;
      case 'StatefulSet':
      case 'DaemonSet':
        reconcileOrdered(kind, ns!, name);
        break;
      default:
    }
  }

  const unsubscribe = api.subscribe(onEvent);
  for (const rs of api.list(REPLICA_SETS)) onReplicaSet('ADDED', rs);
  for (const pod of api.list(PODS)) onPod('ADDED', pod);
  for (const [ref, kind] of [
    [DEPLOYMENTS, 'Deployment'],
    [STATEFUL_SETS, 'StatefulSet'],
    [DAEMON_SETS, 'DaemonSet'],
  ] as const) {
    for (const object of api.list(ref)) {
      queue.add(
        `${kind}/${keyOf(object.metadata.namespace, object.metadata.name!)}`,
      );
    }
  }

  return () => {
    unsubscribe();
    queue.stop();
    clearInterval(crashTimer);
  };
}

function resolvePercent(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  return match
    ? Math.floor((Number(match[1]) * total) / 100)
    : Number(value) || 0;
}

/** Deployment conditions also carry lastUpdateTime, bumped when the reason changes. */
function withUpdateTime(
  previous: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
): Condition {
  const before = previous?.find(c => c.type === next.type);
  const made = condition(previous, next);
  const unchanged =
    before && before.reason === next.reason && before.message === next.message;
  return {
    ...made,
    lastUpdateTime: (unchanged && before?.lastUpdateTime) || rfc3339(),
  };
}
