import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ClusterMeshStatus,
  EntityMeshStatus,
  EnrollRequest,
  KubeOperation,
  MeshActionResponse,
  RestartRequest,
  ServiceMeshActionName,
  SetInjectionRequest,
  SidecarEgressRequest,
  SwitchRevisionRequest,
  UnenrollRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  buildMeshContext,
  deriveClusterStatus,
  MeshContext,
  planEnroll,
  PlanOutcome,
  planRestart,
  planSetInjection,
  planSidecarEgress,
  planSwitchRevision,
  planUnenroll,
} from '../domain';
import type {
  ClusterRegistry,
  MeshCluster,
} from '../kubernetes/ClusterRegistry';
import { StaleWriteError } from '../kubernetes/KubernetesWriter';
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

  async runAction(
    action: ServiceMeshActionName,
    entity: Entity,
    request: ActionRequest,
  ): Promise<MeshActionResponse> {
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

  private async planAndApply(
    action: ServiceMeshActionName,
    request: ActionRequest,
    cluster: MeshCluster,
  ): Promise<MeshActionResponse> {
    const fresh = new Map<string, unknown>();
    const maxAttempts = this.options.maxAttempts ?? 100;
    for (let attempt = 1; ; attempt++) {
      const snapshot = withFreshObjects(
        snapshotFromCache(cluster.cache, [request.namespace]),
        fresh,
      );
      const outcome = this.plan(
        action,
        buildMeshContext(snapshot),
        request,
        cluster,
      );
      if (!outcome.ok) {
        throw refusalToError(outcome.refusal);
      }
      const { ok: _ok, change, forced, ...extra } = outcome;
      const response = {
        ...extra,
        dryRun: Boolean(request.dryRun),
        applied: false,
        change,
        forced: forced.length ? forced.map(r => r.code) : undefined,
      };
      if (request.dryRun || change.operations.length === 0) {
        return response;
      }
      try {
        for (const operation of change.operations) {
          await cluster.writer.apply(operation);
        }
        return { ...response, applied: true };
      } catch (error) {
        if (!(error instanceof StaleWriteError) || attempt >= maxAttempts) {
          throw error;
        }
        await this.refresh(cluster, error.operation, fresh);
        await jitter(attempt);
      }
    }
  }

  private plan(
    action: ServiceMeshActionName,
    context: MeshContext,
    request: ActionRequest,
    cluster: MeshCluster,
  ): PlanOutcome<object> {
    switch (action) {
      case 'enroll':
        return planEnroll(context, request as unknown as EnrollRequest, {
          enrollment: cluster.config.enrollment,
        });
      case 'unenroll':
        return planUnenroll(context, request as unknown as UnenrollRequest);
      case 'setInjection':
        return planSetInjection(
          context,
          request as unknown as SetInjectionRequest,
        );
      case 'switchRevision':
        return planSwitchRevision(
          context,
          request as unknown as SwitchRevisionRequest,
        );
      case 'restart':
        return planRestart(
          context,
          request as unknown as RestartRequest,
          (this.options.now ?? (() => new Date()))(),
        );
      case 'sidecarEgress':
        return planSidecarEgress(
          context,
          request as unknown as SidecarEgressRequest,
        );
      default:
        throw new Error(`Unknown action ${action satisfies never}`);
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
