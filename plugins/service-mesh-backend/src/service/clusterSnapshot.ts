import type { ClusterSnapshot } from '../domain/snapshot';
import type { CollectionKey } from '../kubernetes/collections';

/** The read side of a cluster cache that snapshots need. */
export interface CollectionReader {
  readonly name: string;
  list<T = any>(key: CollectionKey, namespace?: string): T[];
  serves(key: CollectionKey): boolean;
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
  const optional = <T>(key: CollectionKey): T[] | undefined =>
    cache.serves(key) ? cache.list<T>(key) : undefined;
  return {
    cluster: cache.name,
    namespaces: cache.list('namespaces'),
    pods: frozen(
      podNamespaces.flatMap(namespace => cache.list('pods', namespace)),
    ),
    workloads: frozen([
      ...cache.list('deployments'),
      ...cache.list('statefulsets'),
      ...cache.list('daemonsets'),
    ]),
    services: cache.list('services'),
    mutatingWebhookConfigurations: cache.list('mutatingWebhookConfigurations'),
    validatingWebhookConfigurations: cache.list(
      'validatingWebhookConfigurations',
    ),
    configMaps: optional('configMaps'),
    serviceMeshControlPlanes: optional('serviceMeshControlPlanes'),
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
