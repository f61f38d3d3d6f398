import type { ClusterSnapshot } from '../domain/snapshot';
import type { CollectionKey } from '../kubernetes/collections';

/** The read side of a cluster cache that snapshots need. */
export interface CollectionReader {
  readonly name: string;
  list<T = any>(key: CollectionKey, namespace?: string): T[];
  /** Every object of a collection, frozen; the same list until it changes. */
  frozenList<T = any>(key: CollectionKey): readonly T[];
  serves(key: CollectionKey): boolean;
}

/** The workloads list of a cache's three frozen lists, built once per change of any. */
const workloadLists = new WeakMap<
  readonly unknown[],
  { parts: ReadonlyArray<readonly unknown[]>; all: unknown[] }
>();

function frozenWorkloads(cache: CollectionReader): unknown[] {
  const parts = [
    cache.frozenList('deployments'),
    cache.frozenList('statefulsets'),
    cache.frozenList('daemonsets'),
  ];
  const known = workloadLists.get(parts[0]);
  if (known && known.parts.every((part, i) => part === parts[i])) {
    return known.all;
  }
  const all = frozen(parts.flatMap(part => [...part]));
  workloadLists.set(parts[0], { parts, all });
  return all;
}

/**
 * Builds the domain's plain snapshot from a cache. Pods are the bulk of a
 * cluster, so only the pods of the namespaces asked about are included;
 * everything else is cluster-wide, since control planes, webhooks and
 * visible-service counts span namespaces.
 */
export function snapshotFromCache(
  cache: CollectionReader,
  podNamespaces: string[],
): ClusterSnapshot {
  // Cluster-wide lists are the cache's frozen ones, shared by every
  // snapshot until they change, so indexes on them are built once.
  const all = <T>(key: CollectionKey): T[] => cache.frozenList<T>(key) as T[];
  const optional = <T>(key: CollectionKey): T[] | undefined =>
    cache.serves(key) ? all<T>(key) : undefined;
  return {
    cluster: cache.name,
    namespaces: all('namespaces'),
    pods: frozen(
      podNamespaces.flatMap(namespace => cache.list('pods', namespace)),
    ),
    workloads: frozenWorkloads(cache) as ClusterSnapshot['workloads'],
    services: all('services'),
    mutatingWebhookConfigurations: all('mutatingWebhookConfigurations'),
    validatingWebhookConfigurations: all('validatingWebhookConfigurations'),
    configMaps: optional('configMaps'),
    serviceMeshControlPlanes: optional('serviceMeshControlPlanes'),
    serviceMeshControlPlanesV1: optional('serviceMeshControlPlanesV1'),
    installations: optional('installations'),
    serviceMeshMemberRolls: optional('serviceMeshMemberRolls'),
    serviceMeshMembers: optional('serviceMeshMembers'),
    istios: optional('istios'),
    istioRevisions: optional('istioRevisions'),
    istioRevisionTags: optional('istioRevisionTags'),
    sidecars: optional('sidecars'),
    networkAttachmentDefinitions: optional('networkAttachmentDefinitions'),
    routes: optional('routes'),
    ingresses: optional('ingresses'),
  };
}

/** A list that cannot change, so the domain may index it once (see inNamespace). */
function frozen<T>(items: T[]): T[] {
  Object.freeze(items);
  return items;
}
