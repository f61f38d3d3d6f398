import {
  matchesLabelSelector,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { Pod, Workload } from './kube';
import { isActivePod } from './proxies';
import { inNamespace, type ClusterSnapshot } from './snapshot';

export function workloadRef(workload: Workload): WorkloadRef {
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
