import type {
  EntityMeshStatus,
  NamespaceMeshStatus,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import { isRestartableKind } from '@mesh-backstage/plugin-service-mesh-common';
import type {
  AnyActionResponse,
  MeshActionIntent,
} from '../components/ActionDialog';

/** An applied action whose effect on the cluster the page follows. */
export interface FollowedChange {
  intent: MeshActionIntent;
  result: AnyActionResponse;
  /** When the change was applied (ms since the epoch). */
  appliedAt: number;
  /**
   * For a restart confirmed with a change ("enroll and restart the
   * workloads"): that change, whose effect on the namespace comes first,
   * as the new pods get what the namespace says when they start.
   */
  afterChange?: FollowedChange;
}

export interface ChangeProgress {
  /** The change has reached the cluster and every pod it replaces is new. */
  settled: boolean;
  /** What the page waits for, or what happened: plain words. */
  text: string;
  /** Pods on what a new pod gets, out of the affected pods. */
  pods?: { done: number; total: number };
}

function findNamespace(
  status: EntityMeshStatus,
  cluster: string,
  namespace: string,
): NamespaceMeshStatus | undefined {
  return status.clusters
    .find(c => c.name === cluster)
    ?.namespaces.find(n => n.name === namespace);
}

/** Pods of the workload that already run what a new pod would get. */
export function podsOnNewProxy(workload: WorkloadMeshStatus): number {
  if (!workload.restartNeeded) {
    return workload.pods;
  }
  if (!workload.expectedRevision) {
    return workload.podsWithoutSidecar;
  }
  return workload.proxies
    .filter(p => p.revision === workload.expectedRevision)
    .reduce((sum, p) => sum + p.pods, 0);
}

function restartedWorkloads(
  { intent }: FollowedChange,
  namespace: NamespaceMeshStatus,
): WorkloadMeshStatus[] | undefined {
  if (intent.action !== 'restart') return undefined;
  const named = intent.request.workloads;
  return namespace.workloads.filter(w =>
    named
      ? named.some(n => n.kind === w.kind && n.name === w.name)
      : isRestartableKind(w.kind),
  );
}

/**
 * Whether the namespace shows the written change yet (labels and member
 * roll are read back from the cluster, so this lags the write), and in
 * words what is awaited.
 */
function namespaceChange(
  intent: MeshActionIntent,
  namespace: NamespaceMeshStatus,
): { done: boolean; waitingFor: string; doneText: string } {
  const ns = namespace.name;
  const { membership, injection } = namespace;
  switch (intent.action) {
    case 'enroll':
      return {
        done: membership.member && !membership.pending,
        waitingFor: membership.pending
          ? `Waiting for the mesh operator to configure ${ns}`
          : `Waiting for ${ns} to become a member of the mesh`,
        doneText: `${ns} is a member of the mesh`,
      };
    case 'unenroll':
      return {
        done: !membership.member && !membership.pending,
        waitingFor: `Waiting for ${ns} to leave the mesh`,
        doneText: `${ns} is out of the mesh`,
      };
    case 'setInjection': {
      const wanted =
        intent.request.injection === 'removed'
          ? 'unset'
          : intent.request.injection;
      return {
        done: injection.perWorkload || injection.mode === wanted,
        waitingFor: `Waiting for the injection setting of ${ns}`,
        doneText: `The injection setting of ${ns} is in place`,
      };
    }
    case 'switchRevision': {
      const { revision } = intent.request;
      return {
        done:
          injection.revisionLabel === revision ||
          injection.effectiveRevision === revision ||
          injection.effectiveTag === revision,
        waitingFor: `Waiting for ${ns} to use ${revision}`,
        doneText: `${ns} uses ${revision}`,
      };
    }
    default:
      return { done: true, waitingFor: '', doneText: `${intent.title}: done` };
  }
}

/**
 * How far an applied change has got in the latest status: first the
 * namespace's own change, then the rollout of the pods it replaces
 * ("2 of 4 pods on the new proxy").
 */
export function changeProgress(
  status: EntityMeshStatus | undefined,
  change: FollowedChange,
): ChangeProgress {
  const { cluster, namespace: ns } = change.intent.request;
  const namespace = status && findNamespace(status, cluster, ns);
  if (!namespace) {
    return { settled: false, text: `Waiting for the status of ${ns}` };
  }
  const own = namespaceChange((change.afterChange ?? change).intent, namespace);
  if (!own.done) {
    return { settled: false, text: own.waitingFor };
  }
  const workloads = restartedWorkloads(change, namespace);
  if (!workloads) {
    return { settled: true, text: own.doneText };
  }
  const total = workloads.reduce((sum, w) => sum + w.pods, 0);
  const done = workloads.reduce((sum, w) => sum + podsOnNewProxy(w), 0);
  const settled = workloads.every(w => !w.restartNeeded);
  const newProxy = workloads.some(w => w.expectedRevision)
    ? 'on the new proxy'
    : 'without a sidecar';
  return {
    settled,
    text: settled
      ? `Rolled out: ${total} of ${total} ${plural(total, 'pod')} ${newProxy}`
      : `Rolling out: ${done} of ${total} ${plural(total, 'pod')} ${newProxy}`,
    pods: { done: settled ? total : done, total },
  };
}

export function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
