import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  entityStatusChannel,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ClusterCacheChange } from '../kubernetes/ClusterCache';
import type { CollectionKey } from '../kubernetes/collections';
import type { EntityKubernetesScope } from './entityScope';

/** What a status signal says: reload the status of this entity. */
export interface EntityStatusSignal {
  [key: string]: string;
  type: 'status-changed';
  /** Lower-cased, as in the channel. */
  entityRef: string;
  /** When the signal was sent, ISO time. */
  at: string;
}

/** An entity someone looks at: where its status comes from. */
export interface EntityInterest {
  scope: EntityKubernetesScope;
  /** Its namespaces per cluster, as its last status found them. */
  namespaces: Map<string, string[]>;
}

/**
 * Collections whose objects matter only to the entities of their own
 * namespace. A change in any other collection (member rolls, control
 * planes, webhooks, services counted across namespaces, the namespaces
 * themselves unless named) may change any entity's status on the cluster.
 */
const NAMESPACE_LOCAL = new Set<CollectionKey>([
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
  'sidecars',
  'serviceMeshMembers',
  'networkAttachmentDefinitions',
]);
const WORKLOADS = new Set<CollectionKey>([
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
]);

/** Whether a change in a cluster cache may change the status of an entity. */
export function changeAffects(
  interest: EntityInterest,
  cluster: string,
  change: ClusterCacheChange,
): boolean {
  const { scope } = interest;
  if (scope.cluster && scope.cluster !== cluster) return false;
  if (change.type === 'RELISTED') return true;
  const namespaces = interest.namespaces.get(cluster) ?? [];
  const owns = (name: string | undefined) =>
    name !== undefined &&
    (namespaces.includes(name) || scope.namespace === name);
  if (change.collection === 'namespaces') {
    return owns(change.object.metadata.name);
  }
  if (!NAMESPACE_LOCAL.has(change.collection)) return true;
  if (owns(change.object.metadata.namespace)) return true;
  // A workload that starts or stops matching the selector moves the entity
  // into, or out of, a namespace.
  return (
    WORKLOADS.has(change.collection) &&
    !scope.namespace &&
    scope.workloadSelector !== undefined &&
    [change.object, change.previous].some(
      object =>
        object &&
        matchesLabelSelector(scope.workloadSelector, object.metadata.labels),
    )
  );
}

export interface EntityStatusSignalsOptions {
  signals: SignalsService;
  logger: LoggerService;
  /** Changes within this long after the first are sent as one signal. */
  debounceMs?: number;
  /** An entity whose status nobody read for this long is no longer signalled. */
  interestTtlMs?: number;
  now?: () => number;
}

/** Default of {@link EntityStatusSignalsOptions.interestTtlMs}. */
export const DEFAULT_INTEREST_TTL_MS = 10 * 60_000;

/**
 * Tells pages showing an entity's status that it changed: a signal on the
 * entity's channel, at most one per debounce interval, when the cached state
 * behind its status changes.
 *
 * The signals backend keeps its subscriptions to itself (and, with several
 * backend instances, in each instance), so "someone is subscribed" is
 * approximated by interest: an entity whose status was read within the
 * interest TTL. A page subscribed to the channel reads the status on load
 * and on every signal, which renews it; a page left open without changes for
 * longer falls back on its poll, which renews it too.
 */
export class EntityStatusSignals {
  private readonly interests = new Map<
    string,
    { interest: EntityInterest; lastRead: number }
  >();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: EntityStatusSignalsOptions) {}

  /** The status of `entityRef` was read: signal its changes for a while. */
  noteInterest(entityRef: string, interest: EntityInterest): void {
    const key = entityRef.toLocaleLowerCase('en-US');
    const known = this.interests.get(key);
    // A memoised status notes the same interest object again: renew it.
    if (known?.interest === interest) {
      known.lastRead = this.now();
    } else {
      this.interests.set(key, { interest, lastRead: this.now() });
    }
  }

  /** Marks the entities a change in `cluster`'s cache may affect, to be signalled. */
  onChange(cluster: string, change: ClusterCacheChange): void {
    const now = this.now();
    const ttl = this.options.interestTtlMs ?? DEFAULT_INTEREST_TTL_MS;
    for (const [entityRef, { interest, lastRead }] of this.interests) {
      if (now - lastRead > ttl) {
        this.interests.delete(entityRef);
        continue;
      }
      if (
        !this.pending.has(entityRef) &&
        changeAffects(interest, cluster, change)
      ) {
        this.schedule(entityRef);
      }
    }
  }

  /** Subscribes to the caches of `clusters`; returns the unsubscribe. */
  watch(
    clusters: Array<{
      config: { name: string };
      cache: {
        subscribe(listener: (change: ClusterCacheChange) => void): () => void;
      };
    }>,
  ): () => void {
    const unsubscribes = clusters.map(cluster =>
      cluster.cache.subscribe(change =>
        this.onChange(cluster.config.name, change),
      ),
    );
    return () => unsubscribes.forEach(unsubscribe => unsubscribe());
  }

  /** Drops pending signals. */
  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private schedule(entityRef: string) {
    const timer = setTimeout(() => {
      this.pending.delete(entityRef);
      void this.publish(entityRef);
    }, this.options.debounceMs ?? 250);
    timer.unref?.();
    this.pending.set(entityRef, timer);
  }

  private async publish(entityRef: string) {
    const message: EntityStatusSignal = {
      type: 'status-changed',
      entityRef,
      at: new Date(this.now()).toISOString(),
    };
    try {
      await this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: entityStatusChannel(entityRef),
        message,
      });
    } catch (error) {
      this.options.logger.warn(
        `service-mesh: could not publish the status signal of ${entityRef}: ${error}`,
      );
    }
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }
}
