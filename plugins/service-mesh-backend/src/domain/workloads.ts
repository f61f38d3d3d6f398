import {
  isRestartableKind,
  ListedWorkloadRef,
  matchesLabelSelector,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { Pod, PodTemplate, Workload } from './kube';
import { isActivePod } from './proxies';
import { inNamespace, type ClusterSnapshot } from './snapshot';

export function workloadRef(workload: Workload): WorkloadRef {
  return { kind: workload.kind, name: workload.metadata.name };
}

/**
 * Pods with no Deployment, StatefulSet or DaemonSet over them, listed by
 * what owns them: a ReplicaSet of its own, a Job (a CronJob's Jobs own
 * their pods too), or the bare pod. No rollout restarts them.
 */
export interface PodGroup {
  kind: 'ReplicaSet' | 'Job' | 'Pod';
  metadata: { name: string; namespace: string };
  /** The first pod's labels, annotations and spec: what its next pod gets. */
  spec: { template: PodTemplate };
}

/** What a status lists as workloads. */
export type ListedWorkload = Workload | PodGroup;

/** Whether a rollout restart (a new pod-template annotation) applies. */
export function isRestartable(workload: ListedWorkload): workload is Workload {
  return isRestartableKind(workload.kind);
}

export function listedWorkloadRef(workload: ListedWorkload): ListedWorkloadRef {
  return { kind: workload.kind, name: workload.metadata.name };
}

export function sameWorkload(a: WorkloadRef, b: WorkloadRef): boolean {
  return a.kind === b.kind && a.name === b.name;
}

/**
 * Whether a pod belongs to a workload: its labels match the workload's
 * selector and, when the pod names its controller, that controller is the
 * workload (StatefulSet, DaemonSet) or one of its ReplicaSets
 * (`<deployment>-<hash>`). Selectors alone can overlap between workloads.
 */
export function podBelongsTo(pod: Pod, workload: Workload): boolean {
  if (
    pod.metadata.namespace !== workload.metadata.namespace ||
    !matchesLabelSelector(workload.spec.selector, pod.metadata.labels)
  ) {
    return false;
  }
  const owner = pod.metadata.ownerReferences?.find(o => o.controller);
  if (!owner) {
    return true;
  }
  if (workload.kind === 'Deployment') {
    return (
      owner.kind === 'ReplicaSet' &&
      owner.name.startsWith(`${workload.metadata.name}-`)
    );
  }
  return owner.kind === workload.kind && owner.name === workload.metadata.name;
}

/** Active pods of each workload of a namespace (each pod counted once). */
export function podsByWorkload(
  snapshot: ClusterSnapshot,
  namespace: string,
): Map<Workload, Pod[]> {
  const workloads = inNamespace(snapshot.workloads, namespace);
  const result = new Map<Workload, Pod[]>(workloads.map(w => [w, []]));
  for (const pod of inNamespace(snapshot.pods, namespace)) {
    if (!isActivePod(pod)) {
      continue;
    }
    const owner = workloads.find(w => podBelongsTo(pod, w));
    if (owner) {
      result.get(owner)!.push(pod);
    }
  }
  return result;
}

function podGroupOf(pod: Pod, namespace: string): PodGroup {
  const owner = pod.metadata.ownerReferences?.find(o => o.controller);
  const kind =
    owner?.kind === 'ReplicaSet' || owner?.kind === 'Job' ? owner.kind : 'Pod';
  return {
    kind,
    metadata: {
      name: kind === 'Pod' ? pod.metadata.name : owner!.name,
      namespace,
    },
    spec: {
      template: {
        metadata: {
          labels: pod.metadata.labels,
          annotations: pod.metadata.annotations,
        },
        spec: pod.spec,
      },
    },
  };
}

/**
 * Active pods of each workload of a namespace, and the active pods no
 * workload claims, grouped by their owner (see {@link PodGroup}).
 */
export function podsByListedWorkload(
  snapshot: ClusterSnapshot,
  namespace: string,
): Map<ListedWorkload, Pod[]> {
  const result = new Map<ListedWorkload, Pod[]>(
    podsByWorkload(snapshot, namespace),
  );
  const claimed = new Set([...result.values()].flat());
  const groups = new Map<string, PodGroup>();
  for (const pod of inNamespace(snapshot.pods, namespace)) {
    if (!isActivePod(pod) || claimed.has(pod)) {
      continue;
    }
    const candidate = podGroupOf(pod, namespace);
    const key = `${candidate.kind}/${candidate.metadata.name}`;
    const group = groups.get(key) ?? candidate;
    groups.set(key, group);
    result.set(group, [...(result.get(group) ?? []), pod]);
  }
  return result;
}
