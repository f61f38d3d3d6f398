import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  type MeshClusterOverview,
  type MeshNamespaceOverview,
  type MeshOverview,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  analyzeNamespace,
  buildMeshContext,
  countProxies,
  deriveNamespaceWarnings,
  toControlPlaneInfo,
  type MeshContext,
  type Namespace,
} from '../../domain';
import type {
  ClusterRegistry,
  MeshCluster,
} from '../../kubernetes/ClusterRegistry';
import { snapshotFromCache } from '../clusterSnapshot';
import { namespacesOfEntityOn, readEntityScope } from '../entityScope';

export interface MeshOverviewServiceOptions {
  clusters: ClusterRegistry;
  catalog: CatalogService;
  /** How long the catalog's answer is reused, per user; 30 s by default. */
  ownersTtlMs?: number;
  now?: () => number;
}

interface CachedEntities {
  at: number;
  entities: Entity[];
}

/**
 * The mesh across clusters for the platform page: control planes, and one
 * compact row per namespace read off the domain's namespace analysis (the
 * same one entity status uses), with the catalog entities that own it.
 */
export class MeshOverviewService {
  private readonly entitiesByUser = new Map<string, CachedEntities>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: MeshOverviewServiceOptions) {
    this.ttlMs = options.ownersTtlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async overview(
    credentials: BackstageCredentials,
    filter: { cluster?: string } = {},
  ): Promise<MeshOverview> {
    const all = this.options.clusters.all();
    const clusters = filter.cluster
      ? all.filter(c => c.config.name === filter.cluster)
      : all;
    if (filter.cluster && clusters.length === 0) {
      throw new NotFoundError(`Unknown cluster '${filter.cluster}'`);
    }
    const entities = await this.annotatedEntities(credentials);
    return {
      clusters: clusters.map(cluster => clusterOverview(cluster, entities)),
    };
  }

  /**
   * One catalog query for every entity with Kubernetes annotations, with the
   * caller's credentials (so they see only owners they may read), reused
   * briefly: the page reloads on every upgrade signal.
   */
  private async annotatedEntities(
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const key = JSON.stringify(credentials.principal);
    const cached = this.entitiesByUser.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) {
      return cached.entities;
    }
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [
          KUBERNETES_ID_ANNOTATION,
          KUBERNETES_LABEL_SELECTOR_ANNOTATION,
          KUBERNETES_NAMESPACE_ANNOTATION,
        ].map(annotation => ({
          [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
        })),
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    for (const [k, v] of this.entitiesByUser) {
      if (this.now() - v.at >= this.ttlMs) this.entitiesByUser.delete(k);
    }
    this.entitiesByUser.set(key, { at: this.now(), entities: items });
    return items;
  }
}

function clusterOverview(
  cluster: MeshCluster,
  entities: Entity[],
): MeshClusterOverview {
  const { cache } = cluster;
  const health = cache.health();
  const base = {
    name: cluster.config.name,
    reachable: health.reachable,
    error: health.error,
    synced: health.synced,
    dataAsOf: health.dataAsOf,
    stale: health.stale,
    staleSince: health.staleSince,
  };
  if (!health.synced) {
    return { ...base, controlPlanes: [], namespaces: [] };
  }
  const namespaces = cache.list<Namespace>('namespaces');
  const context = buildMeshContext(
    snapshotFromCache(
      cache,
      namespaces.map(n => n.metadata.name),
    ),
  );
  const owners = ownersByNamespace(cluster, entities);
  return {
    ...base,
    controlPlanes: context.controlPlanes.map(toControlPlaneInfo),
    namespaces: namespaces
      .map(namespace =>
        namespaceOverview(
          context,
          namespace,
          owners.get(namespace.metadata.name) ?? [],
        ),
      )
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function namespaceOverview(
  context: MeshContext,
  namespace: Namespace,
  entityRefs: string[],
): MeshNamespaceOverview {
  const analysis = analyzeNamespace(context, namespace);
  const statuses = analysis.workloads.map(w => w.status);
  return {
    name: namespace.metadata.name,
    controlPlane: analysis.controlPlane
      ? {
          namespace: analysis.controlPlane.namespace,
          name: analysis.controlPlane.name,
        }
      : undefined,
    member: analysis.membership.member,
    injection: analysis.injection,
    workloads: statuses.length,
    pods: statuses.reduce((sum, w) => sum + w.pods, 0),
    podsWithoutSidecar: statuses.reduce(
      (sum, w) => sum + w.podsWithoutSidecar,
      0,
    ),
    proxies: countProxies(analysis.workloads.flatMap(w => w.pods)),
    workloadsToRestart: statuses.filter(w => w.restartNeeded).length,
    warnings: deriveNamespaceWarnings(analysis),
    entityRefs,
  };
}

/** Entity refs per namespace of the cluster, from their Kubernetes annotations. */
function ownersByNamespace(
  cluster: MeshCluster,
  entities: Entity[],
): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const entity of entities) {
    let scope;
    try {
      scope = readEntityScope(entity);
    } catch {
      continue; // A malformed selector maps to nothing; its own page says why.
    }
    const namespaces = namespacesOfEntityOn(scope, cluster);
    for (const namespace of namespaces) {
      owners.set(namespace, [
        ...(owners.get(namespace) ?? []),
        stringifyEntityRef(entity),
      ]);
    }
  }
  return owners;
}
