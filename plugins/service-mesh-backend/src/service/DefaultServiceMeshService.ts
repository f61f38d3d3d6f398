import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ClusterMeshStatus,
  EntityMeshStatus,
  MeshActionResponse,
  ServiceMeshActionName,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  buildMeshContext,
  deriveClusterStatus,
  withoutOtherNamespaces,
} from '../domain';
import type {
  ClusterRegistry,
  MeshCluster,
} from '../kubernetes/ClusterRegistry';
import type { ClusterCacheHealth } from '../kubernetes/ClusterCache';
import { ClusterUnavailableError } from '../kubernetes/retry';
import { planners, unwatchedReads } from './actionPlanners';
import { applyInTurns, freshKey } from './applyInTurns';
import { snapshotFromCache } from './clusterSnapshot';
import { refusalToError } from './guardErrors';
import {
  EntityKubernetesScope,
  namespacesOfEntityOn,
  readEntityScope,
} from './entityScope';
import type {
  EntityInterest,
  EntityStatusSignals,
} from './EntityStatusSignals';
import { withFreshObjects } from './freshObjects';
import { StatusMemo } from './StatusMemo';
import { KeyedQueue } from './KeyedQueue';
import type { ActionRequest, ServiceMeshService } from './types';

export interface DefaultServiceMeshServiceOptions {
  clusters: ClusterRegistry;
  logger: LoggerService;
  /** Attempts to re-plan after a concurrent change; each re-reads what conflicted. */
  maxAttempts?: number;
  now?: () => Date;
  /** Turns per object written; share one with every other writer (the upgrade runner). */
  writeTurns?: KeyedQueue;
  /** Told whose status is read, so that its changes are signalled. */
  statusSignals?: EntityStatusSignals;
}

/** What a status is derived from on one cluster, read once per call. */
interface ClusterReading {
  cluster: MeshCluster;
  health: ClusterCacheHealth;
  namespaces: string[];
}

/**
 * Mesh status from the cluster caches, and actions as plan → apply, where a
 * plan is a pure function of a snapshot. A write that loses a race (409, or
 * a failed JSON Patch `test`) re-reads the object and plans again, so
 * concurrent writers never lose each other's changes; see applyInTurns.
 */
export class DefaultServiceMeshService implements ServiceMeshService {
  /** Turns per object written (member roll, namespace, workload), shared by all actions. */
  private readonly writeTurns: KeyedQueue;
  /** Statuses by namespaces, per cluster, until its cache changes. */
  private readonly statuses = new StatusMemo<ClusterMeshStatus>();
  /** An entity's namespaces per cluster, until its cache changes. */
  private readonly namespaceMemo = new StatusMemo<string[]>();
  /**
   * The last answer of each entity read recently, with what it was derived
   * from (`key`). Bounded like the memos above: a status is 1–20 KB, and its
   * JSON is kept beside it (see jsonAnswers).
   */
  private readonly answers = new LRUCache<
    string,
    { key: string; status: EntityMeshStatus; interest: EntityInterest }
  >({ max: 1_000 });

  constructor(private readonly options: DefaultServiceMeshServiceOptions) {
    this.writeTurns = options.writeTurns ?? new KeyedQueue();
  }

  async getStatus(entity: Entity): Promise<EntityMeshStatus> {
    const scope = readEntityScope(entity);
    const scopeKey = JSON.stringify(scope);
    const entityRef = stringifyEntityRef(entity);
    const seen: ClusterReading[] = this.options.clusters
      .all()
      .filter(
        cluster => !scope.cluster || scope.cluster === cluster.config.name,
      )
      .map(cluster => ({
        cluster,
        health: cluster.cache.health(),
        namespaces: this.namespacesOf(scopeKey, scope, cluster),
      }));
    // Everything the answer is derived from: while it holds, the answer (and
    // the interest noted) is the very same object, so it is not built again.
    const key = JSON.stringify([
      scopeKey,
      seen.map(({ cluster, health }) => [
        cluster.config.name,
        cluster.cache.changeCount,
        health.reachable,
        health.synced,
        health.error,
        health.dataAsOf,
        health.stale,
        health.staleSince,
      ]),
    ]);
    let answer = this.answers.get(entityRef);
    if (answer?.key !== key) {
      answer = {
        key,
        status: { entityRef, clusters: this.clusterStatuses(seen) },
        interest: {
          scope,
          namespaces: new Map(
            seen.map(({ cluster, namespaces }) => [
              cluster.config.name,
              namespaces,
            ]),
          ),
        },
      };
      this.answers.set(entityRef, answer);
    }
    this.options.statusSignals?.noteInterest(entityRef, answer.interest);
    return answer.status;
  }

  private clusterStatuses(seen: ClusterReading[]): ClusterMeshStatus[] {
    const clusters: ClusterMeshStatus[] = [];
    for (const { cluster, health, namespaces } of seen) {
      if (health.synced && !health.error && namespaces.length === 0) {
        // The entity does not run here.
        continue;
      }
      const state = {
        reachable: health.reachable,
        synced: health.synced,
        error: health.error,
      };
      // Derived once per change of the cache; only the age is fresh.
      const derived = this.statuses.get(
        cluster.config.name,
        cluster.cache.changeCount,
        JSON.stringify([namespaces, state]),
        () =>
          deriveClusterStatus(
            snapshotFromCache(cluster.cache, namespaces),
            state,
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
      clusters.push({
        ...derived,
        dataAsOf: health.dataAsOf,
        stale: health.stale,
        staleSince: health.staleSince,
      });
    }
    return clusters;
  }

  async runAction<A extends ServiceMeshActionName>(
    action: A,
    entity: Entity,
    request: ActionRequest<A>,
  ): Promise<ServiceMeshActionResponses[A]> {
    const cluster = this.options.clusters.get(request.cluster);
    const scope = readEntityScope(entity);
    const namespaces = this.namespacesOf(JSON.stringify(scope), scope, cluster);
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

    if (action === 'restart') {
      refuseStaleData(cluster, health);
    }
    const planRequest =
      action === 'restart'
        ? // One key per intended restart, so no re-plan in this request
          // restarts a workload twice; the client may give its own.
          {
            ...request,
            idempotencyKey:
              (request as ActionRequest<'restart'>).idempotencyKey ??
              randomUUID(),
          }
        : request;
    const plan = (fresh: Map<string, unknown>) =>
      this.planResponse(action, planRequest, cluster, fresh);
    const read = await readUnwatched(action, request, cluster);
    // The full plan is applied; the answer names only the entity's namespaces.
    if (request.dryRun) {
      return withoutOtherNamespaces(plan(read), namespaces);
    }
    return withoutOtherNamespaces(
      (await applyInTurns({
        cluster,
        turns: this.writeTurns,
        plan,
        fresh: read,
        maxConflicts: this.options.maxAttempts ?? 100,
      })) as ServiceMeshActionResponses[A],
      namespaces,
    );
  }

  /** Plans from the cache, with objects just read from the cluster in `fresh` in place. */
  private planResponse<A extends ServiceMeshActionName>(
    action: A,
    request: ActionRequest<A>,
    cluster: MeshCluster,
    fresh: Map<string, unknown>,
  ): ServiceMeshActionResponses[A] {
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
    // The rest of a generic outcome is the action's extra fields, which
    // TypeScript cannot match to the action's response type by itself.
    return {
      ...extra,
      dryRun: Boolean(request.dryRun),
      applied: false,
      change,
      forced: forced.length ? forced.map(r => r.code) : undefined,
    } as MeshActionResponse as ServiceMeshActionResponses[A];
  }

  /**
   * From the cache's label index after a change (about the entity's own
   * objects), then from the memo, so a selector costs what an annotation
   * does.
   */
  private namespacesOf(
    scopeKey: string,
    scope: EntityKubernetesScope,
    cluster: MeshCluster,
  ): string[] {
    return this.namespaceMemo.get(
      cluster.config.name,
      cluster.cache.changeCount,
      scopeKey,
      () => namespacesOfEntityOn(scope, cluster),
    );
  }
}

/** The objects the action's plan needs that the cache does not mirror, read now (null: absent). */
async function readUnwatched<A extends ServiceMeshActionName>(
  action: A,
  request: ActionRequest<A>,
  cluster: MeshCluster,
): Promise<Map<string, unknown>> {
  const refs = unwatchedReads[action]?.(request, cluster) ?? [];
  const read = new Map<string, unknown>();
  for (const ref of refs) {
    read.set(freshKey(ref), (await cluster.writer.read(ref)) ?? null);
  }
  return read;
}

/**
 * Restart acts on what the cache shows (which workloads, which pods), so it
 * refuses data older than the stale threshold rather than guess.
 */
function refuseStaleData(cluster: MeshCluster, health: ClusterCacheHealth) {
  if (!health.stale) return;
  const ageSeconds = health.dataAsOf
    ? Math.round((Date.now() - Date.parse(health.dataAsOf)) / 1000)
    : undefined;
  throw new ClusterUnavailableError(
    `Cluster ${cluster.config.name}: its data is stale (since ${
      health.staleSince
    }${
      ageSeconds !== undefined ? `; data from ${ageSeconds} s ago` : ''
    }, threshold ${Math.round(
      cluster.cache.staleAfterMs / 1000,
    )} s), so restart refuses to act on it; nothing was changed. Try again once the cluster is read again${
      health.error ? ` (now: ${health.error})` : ''
    }.`,
    10,
  );
}
