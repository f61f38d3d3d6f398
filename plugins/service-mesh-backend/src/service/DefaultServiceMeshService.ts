import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ClusterMeshStatus,
  EntityMeshStatus,
  KubeOperation,
  MeshActionResponse,
  ServiceMeshActionName,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';
import { buildMeshContext, deriveClusterStatus } from '../domain';
import type {
  ClusterRegistry,
  MeshCluster,
} from '../kubernetes/ClusterRegistry';
import { StaleWriteError } from '../kubernetes/KubernetesWriter';
import { planners } from './actionPlanners';
import { snapshotFromCache } from './clusterSnapshot';
import { refusalToError } from './guardErrors';
import {
  EntityKubernetesScope,
  namespacesOfEntity,
  readEntityScope,
} from './entityScope';
import { withFreshObjects } from './freshObjects';
import { KeyedQueue } from './KeyedQueue';
import type { ActionRequest, ServiceMeshService } from './types';

export interface DefaultServiceMeshServiceOptions {
  clusters: ClusterRegistry;
  logger: LoggerService;
  /** Attempts to re-plan after a concurrent change; each re-reads what conflicted. */
  maxAttempts?: number;
  now?: () => Date;
}

/**
 * Mesh status from the cluster caches, and actions as plan → apply, where a
 * plan is a pure function of a snapshot. A write that loses a race (409, or
 * a failed JSON Patch `test`) re-reads the object and plans again, so
 * concurrent writers never lose each other's changes.
 */
export class DefaultServiceMeshService implements ServiceMeshService {
  private readonly writeLocks = new KeyedQueue();

  constructor(private readonly options: DefaultServiceMeshServiceOptions) {}

  async getStatus(entity: Entity): Promise<EntityMeshStatus> {
    const scope = readEntityScope(entity);
    const clusters: ClusterMeshStatus[] = [];
    for (const cluster of this.options.clusters.all()) {
      if (scope.cluster && scope.cluster !== cluster.config.name) continue;
      const health = cluster.cache.health();
      const namespaces = this.namespacesOf(scope, cluster);
      if (health.synced && !health.error && namespaces.length === 0) {
        // The entity does not run here.
        continue;
      }
      clusters.push(
        deriveClusterStatus(
          snapshotFromCache(cluster.cache, namespaces),
          {
            reachable: !health.error || health.synced,
            synced: health.synced,
            dataAsOf: health.dataAsOf ? new Date(health.dataAsOf) : undefined,
            error: health.error,
          },
          namespaces,
          {
            linkBases: {
              kiali: cluster.config.kialiUrl,
              jaeger: cluster.config.jaegerUrl,
              grafana: cluster.config.grafanaUrl,
            },
          },
        ),
      );
    }
    return { entityRef: stringifyEntityRef(entity), clusters };
  }

  async runAction<A extends ServiceMeshActionName>(
    action: A,
    entity: Entity,
    request: ActionRequest<A>,
  ): Promise<ServiceMeshActionResponses[A]> {
    const cluster = this.options.clusters.get(request.cluster);
    const namespaces = this.namespacesOf(readEntityScope(entity), cluster);
    if (!namespaces.includes(request.namespace)) {
      throw new NotAllowedError(
        `Namespace ${request.namespace} on cluster ${
          request.cluster
        } does not belong to ${stringifyEntityRef(entity)}; it owns: ${
          namespaces.join(', ') || 'no namespace there'
        }`,
      );
    }
    const health = cluster.cache.health();
    if (!health.synced) {
      throw new ServiceUnavailableError(
        `Cluster ${request.cluster} is not readable yet${
          health.error ? `: ${health.error}` : ''
        }; nothing was changed`,
      );
    }

    if (request.dryRun) {
      return this.planAndApply(action, request, cluster);
    }
    // Writers in this backend take turns per cluster, so they rarely race
    // each other; the `test` preconditions still guard against other writers.
    return this.writeLocks.run(cluster.config.name, () =>
      this.planAndApply(action, request, cluster),
    );
  }

  private async planAndApply<A extends ServiceMeshActionName>(
    action: A,
    request: ActionRequest<A>,
    cluster: MeshCluster,
  ): Promise<ServiceMeshActionResponses[A]> {
    const fresh = new Map<string, unknown>();
    const maxAttempts = this.options.maxAttempts ?? 100;
    for (let attempt = 1; ; attempt++) {
      const snapshot = withFreshObjects(
        snapshotFromCache(cluster.cache, [request.namespace]),
        fresh,
      );
      const outcome = planners[action](buildMeshContext(snapshot), request, {
        cluster,
        now: this.options.now ?? (() => new Date()),
      });
      if (!outcome.ok) {
        throw refusalToError(outcome.refusal);
      }
      const { ok: _ok, change, forced, ...extra } = outcome;
      const respond = (applied: boolean) =>
        // The rest of a generic outcome is the action's extra fields, which
        // TypeScript cannot match to the action's response type by itself.
        ({
          ...extra,
          dryRun: Boolean(request.dryRun),
          applied,
          change,
          forced: forced.length ? forced.map(r => r.code) : undefined,
        } as MeshActionResponse as ServiceMeshActionResponses[A]);
      if (request.dryRun || change.operations.length === 0) {
        return respond(false);
      }
      try {
        for (const operation of change.operations) {
          await cluster.writer.apply(operation);
        }
        return respond(true);
      } catch (error) {
        if (!(error instanceof StaleWriteError) || attempt >= maxAttempts) {
          throw error;
        }
        await this.refresh(cluster, error.operation, fresh);
        await jitter(attempt);
      }
    }
  }

  private namespacesOf(
    scope: EntityKubernetesScope,
    cluster: MeshCluster,
  ): string[] {
    const { cache } = cluster;
    return namespacesOfEntity(scope, {
      name: cluster.config.name,
      namespaceExists: name =>
        Boolean(cache.get('namespaces', undefined, name)),
      workloads: function* workloads() {
        yield* cache.list('deployments');
        yield* cache.list('statefulsets');
        yield* cache.list('daemonsets');
        yield* cache.list('pods');
      },
    });
  }

  /** Reads the object a stale write touched straight from the cluster. */
  private async refresh(
    cluster: MeshCluster,
    operation: KubeOperation,
    fresh: Map<string, unknown>,
  ) {
    const object = await cluster.writer.read(operation);
    fresh.set(freshKey(operation), object ?? null);
  }
}

export function freshKey(ref: {
  kind: string;
  namespace?: string;
  name: string;
}) {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function jitter(attempt: number) {
  const ms = Math.random() * Math.min(50, 5 * attempt);
  return new Promise(resolve => setTimeout(resolve, ms));
}
