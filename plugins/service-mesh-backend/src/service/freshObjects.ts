import type { ClusterSnapshot } from '../domain';

/** Which snapshot list holds each kind an action writes. */
const LISTS: Record<string, keyof ClusterSnapshot> = {
  Namespace: 'namespaces',
  Deployment: 'workloads',
  StatefulSet: 'workloads',
  DaemonSet: 'workloads',
  ServiceMeshMemberRoll: 'serviceMeshMemberRolls',
  ServiceMeshMember: 'serviceMeshMembers',
  Sidecar: 'sidecars',
  // Not mirrored: read for the plan (actionPlanners' unwatchedReads).
  ServiceEntry: 'serviceEntries',
  // Written by upgrades: tags, and the control plane's version.
  MutatingWebhookConfiguration: 'mutatingWebhookConfigurations',
  Istio: 'istios',
  IstioRevisionTag: 'istioRevisionTags',
  ServiceMeshControlPlane: 'serviceMeshControlPlanes',
  Service: 'services',
};

/**
 * Puts objects just read from the cluster in place of the cache's copies
 * (null: the object is gone), so a re-plan after a lost race sees what won.
 * Keys are `<kind>/<namespace>/<name>`.
 */
export function withFreshObjects(
  snapshot: ClusterSnapshot,
  fresh: Map<string, unknown>,
): ClusterSnapshot {
  if (fresh.size === 0) return snapshot;
  const result: any = { ...snapshot };
  for (const [key, object] of fresh) {
    const [kind, namespace, name] = key.split('/');
    const list = LISTS[kind];
    if (!list) continue;
    const others = ((result[list] as any[] | undefined) ?? []).filter(
      (o: any) =>
        !(o.kind === undefined || o.kind === kind
          ? o.metadata.name === name &&
            (o.metadata.namespace ?? '') === namespace
          : false),
    );
    result[list] = object ? [...others, object] : others;
  }
  return result;
}
