import type {
  UpgradeBatch,
  UpgradeDetails,
  UpgradeSummary,
} from '@mesh-backstage/plugin-service-mesh-common';
import type {
  BatchState,
  NamespaceState,
  NamespaceStatus,
  UpgradeState,
} from '../domain/upgrades';
import { isActivePod, podProxy } from '../domain/proxies';
import type { ClusterSnapshot } from '../domain/snapshot';
import type { StoredMeshUpgrade } from './UpgradeRecorder';

/*
 * The shapes the HTTP API answers with (`Upgrade*` in openapi.yaml): an
 * upgrade's summary for the list, and its details with batches,
 * per-namespace state and the pods per revision now.
 */

const STATUSES: NamespaceStatus[] = [
  'pending',
  'migrating',
  'waitingForGate',
  'done',
  'failed',
  'skipped',
];

export type UpgradePodCount = NonNullable<UpgradeDetails['pods']>[number];

function countStatuses(namespaces: NamespaceState[]) {
  const counts = Object.fromEntries(STATUSES.map(s => [s, 0])) as Record<
    NamespaceStatus,
    number
  >;
  for (const ns of namespaces) counts[ns.status] += 1;
  return counts;
}

export function summaryView(stored: StoredMeshUpgrade): UpgradeSummary {
  const { state } = stored;
  const { plan } = state;
  return withoutUndefined({
    id: stored.id,
    cluster: stored.cluster,
    controlPlane: plan.controlPlane,
    flavour: plan.flavour,
    fromRevision: plan.fromRevision,
    targetRevision: plan.targetRevision,
    targetVersion: plan.targetVersion,
    phase: state.phase,
    reason: state.reason,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    finishedAt: state.finishedAt,
    version: stored.version,
    progress: {
      batches: state.batches.length,
      batchesPassed: state.batches.filter(b => b.status === 'passed').length,
      namespaces: countStatuses(state.namespaces),
    },
    runner: stored.claim
      ? {
          instanceId: stored.claim.instanceId,
          leaseExpiresAt: stored.claim.leaseExpiresAt,
        }
      : undefined,
  });
}

function batchViews(
  state: UpgradeState,
  batches: BatchState[],
  namespaces: NamespaceState[],
  planned: boolean,
): UpgradeBatch[] {
  return batches.map(batch =>
    withoutUndefined({
      index: batch.index,
      canary: planned
        ? Boolean(state.plan.batches[batch.index]?.canary)
        : false,
      status: batch.status,
      attempt: batch.attempt,
      startedAt: batch.startedAt,
      finishedAt: batch.finishedAt,
      failure: batch.failure,
      tagMovesBefore: planned
        ? state.plan.batches[batch.index]?.tagMovesBefore ?? []
        : [],
      namespaces: namespaces
        .filter(n => n.batch === batch.index)
        .map(n =>
          withoutUndefined({
            namespace: n.namespace,
            status: n.status,
            attempt: n.attempt,
            touched: n.touched,
            reason: n.reason,
            failedPods: n.failedPods,
          }),
        ),
    }),
  );
}

/** Running pods of the given namespaces, counted by the revision (and version) of their proxy. */
export function podsPerRevision(
  snapshot: ClusterSnapshot,
  namespaces: string[],
): UpgradePodCount[] {
  const wanted = new Set(namespaces);
  const counts = new Map<string, UpgradePodCount>();
  for (const pod of snapshot.pods) {
    if (!wanted.has(pod.metadata.namespace!) || !isActivePod(pod)) continue;
    const proxy = podProxy(pod);
    if (!proxy?.revision) continue;
    const key = `${proxy.revision}/${proxy.version ?? ''}`;
    const count = counts.get(key) ?? {
      revision: proxy.revision,
      ...(proxy.version ? { version: proxy.version } : {}),
      pods: 0,
    };
    count.pods += 1;
    counts.set(key, count);
  }
  return [...counts.values()].sort((a, b) =>
    `${a.revision}/${a.version}`.localeCompare(`${b.revision}/${b.version}`),
  );
}

export function detailsView(
  stored: StoredMeshUpgrade,
  snapshot: ClusterSnapshot | undefined,
): UpgradeDetails {
  const { state } = stored;
  return withoutUndefined({
    ...summaryView(stored),
    // The domain's own types of the request and plan, which the spec describes.
    request: state.request as UpgradeDetails['request'],
    plan: state.plan as UpgradeDetails['plan'],
    promoted: state.promoted,
    resumePhase: state.resumePhase,
    revisionUnusedAt: state.revisionUnusedAt,
    batches: batchViews(state, state.batches, state.namespaces, true),
    rollback: state.rollback
      ? {
          startedAt: state.rollback.startedAt,
          batches: batchViews(
            state,
            state.rollback.batches,
            state.rollback.namespaces,
            false,
          ),
        }
      : undefined,
    pods: snapshot
      ? podsPerRevision(
          snapshot,
          state.plan.namespaces.map(n => n.namespace),
        )
      : undefined,
  });
}

/** JSON answers leave out absent fields rather than sending undefined. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
