import { ServiceUnavailableError } from '@backstage/errors';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import type { ClusterSnapshot } from '../domain/snapshot';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import { applyInTurns, freshKey } from '../service/applyInTurns';
import { snapshotFromCache } from '../service/clusterSnapshot';
import { withFreshObjects } from '../service/freshObjects';
import { KeyedQueue } from '../service/KeyedQueue';

/**
 * Plans one write from a snapshot: the operation a step still needs, or
 * undefined when the cluster already shows it done.
 */
export type StepPlanner = (
  snapshot: ClusterSnapshot,
) => KubeOperation | undefined;

/** What the upgrade service and runner need of the clusters. */
export interface UpgradeClusters {
  /** Throws InputError for a cluster that is not configured. */
  assertKnown(cluster: string): void;
  /**
   * The whole cluster as its cache shows it (every namespace's pods).
   * Throws ServiceUnavailableError while the cache cannot be trusted.
   */
  snapshot(cluster: string): ClusterSnapshot;
  /** Increases whenever the cluster's cache changes. */
  changeCount(cluster: string): number;
  /**
   * Makes the write `plan` asks for, through the writer with its
   * preconditions and the per-object turns every action takes; after a lost
   * race it re-reads the object and plans again. With `reread`, the objects
   * are read straight from the cluster before the first plan, for a step an
   * earlier attempt may already have made. Resolves to whether it wrote.
   */
  write(
    cluster: string,
    plan: StepPlanner,
    options: { reread?: KubeOperation },
  ): Promise<boolean>;
  /** Whether `plan` still asks for a write once `object` is read straight from the cluster. */
  stillNeeded(
    cluster: string,
    plan: StepPlanner,
    object: KubeOperation,
  ): Promise<boolean>;
}

/**
 * The clusters of the registry: snapshots from the watch-backed caches and
 * writes through applyInTurns, sharing the write turns of the actions.
 */
export class CacheUpgradeClusters implements UpgradeClusters {
  constructor(
    private readonly registry: ClusterRegistry,
    private readonly writeTurns: KeyedQueue,
    private readonly maxConflicts = 20,
  ) {}

  assertKnown(cluster: string): void {
    this.registry.get(cluster);
  }

  snapshot(cluster: string): ClusterSnapshot {
    const { cache } = this.registry.get(cluster);
    const health = cache.health();
    if (!health.synced || health.stale) {
      throw new ServiceUnavailableError(
        `Cluster ${cluster} cannot be read reliably now (${
          health.error ??
          (health.synced
            ? `data stale since ${health.staleSince}`
            : 'not synced yet')
        }); upgrades wait for it`,
      );
    }
    const namespaces = cache
      .list('namespaces')
      .map((ns: { metadata: { name: string } }) => ns.metadata.name);
    return snapshotFromCache(cache, namespaces);
  }

  changeCount(cluster: string): number {
    return this.registry.get(cluster).cache.changeCount;
  }

  async write(
    cluster: string,
    plan: StepPlanner,
    options: { reread?: KubeOperation },
  ): Promise<boolean> {
    const meshCluster = this.registry.get(cluster);
    const initial = options.reread
      ? await this.readFresh(cluster, options.reread)
      : new Map<string, unknown>();
    const result = await applyInTurns({
      cluster: meshCluster,
      turns: this.writeTurns,
      maxConflicts: this.maxConflicts,
      plan: fresh => {
        for (const [key, value] of initial) {
          if (!fresh.has(key)) fresh.set(key, value);
        }
        const operation = plan(withFreshObjects(this.snapshot(cluster), fresh));
        return {
          dryRun: false,
          applied: false,
          change: { operations: operation ? [operation] : [] },
        };
      },
    });
    return result.applied;
  }

  async stillNeeded(
    cluster: string,
    plan: StepPlanner,
    object: KubeOperation,
  ): Promise<boolean> {
    const fresh = await this.readFresh(cluster, object);
    return plan(withFreshObjects(this.snapshot(cluster), fresh)) !== undefined;
  }

  private async readFresh(cluster: string, object: KubeOperation) {
    const current = await this.registry.get(cluster).writer.read(object);
    return new Map<string, unknown>([[freshKey(object), current ?? null]]);
  }
}
