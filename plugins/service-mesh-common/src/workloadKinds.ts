import type { ListedWorkloadKind, WorkloadKind } from './types';

/**
 * Whether a listed workload is one a rollout restart applies to. Pods of a
 * bare ReplicaSet, of a Job, or without an owner are listed but not restarted.
 *
 * @public
 */
export function isRestartableKind(
  kind: ListedWorkloadKind,
): kind is WorkloadKind {
  return (
    kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet'
  );
}
