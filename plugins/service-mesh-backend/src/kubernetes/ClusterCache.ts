import type { KubeConfig } from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { Reflector, CachedObject, ReflectorChange } from './Reflector';
import {
  CollectionKey,
  CollectionSpec,
  collectionPath,
  collections,
} from './collections';
import { trimObject } from './trim';
import type { MeshClusterConfig } from './clusterConfig';
import { loadKubernetesClient, makeTimedApiClient } from './kubernetesClient';

export interface ClusterCacheHealth {
  cluster: string;
  /** Every mirrored collection has completed its first list. */
  synced: boolean;
  /** Some collection's list or watch works: the cluster answers. */
  reachable: boolean;
  /**
   * The oldest moment any collection was last confirmed current (its last
   * list, event or bookmark received), ISO time.
   */
  dataAsOf?: string;
  /**
   * The data may be out of date: some collection has had no event or
   * bookmark for longer than the stale threshold, or its watch was found
   * silent and has not delivered anything since.
   */
  stale: boolean;
  /** Since when, ISO time, when stale. */
  staleSince?: string;
  /** Watches the watchdog restarted because they had gone silent. */
  silentRestarts: number;
  /** Why the cluster cannot be read, when it cannot. */
  error?: string;
}

/** One change in a cluster cache: which collection, and what changed in it. */
export type ClusterCacheChange = ReflectorChange<CachedObject> & {
  collection: CollectionKey;
};

/** Collections resolved by label selector (an entity's workloads), so indexed by label. */
const LABEL_INDEXED = new Set<CollectionKey>([
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
]);

const EMPTY: readonly never[] = Object.freeze([]);

/** Default of `serviceMesh.staleAfterSeconds`: two bookmark intervals of kube-apiserver (one a minute). */
export const DEFAULT_STALE_AFTER_MS = 120_000;

export interface ClusterCacheOptions {
  cluster: MeshClusterConfig;
  logger: LoggerService;
  /**
   * Data older than this is reported stale, and a watch that delivered no
   * event or bookmark for this long is restarted with a relist.
   */
  staleAfterMs?: number;
  /** Lists and discovery are aborted after this long; default 10 s. */
  requestTimeoutMs?: number;
  /** Discovery is retried this often while the cluster is unreachable. */
  discoveryRetryMs?: number;
  now?: () => number;
}

/**
 * A watch-backed mirror of the collections the mesh status reads, for one
 * cluster. Page views read from it and cost no calls to the cluster.
 */
export class ClusterCache {
  private readonly reflectors = new Map<CollectionKey, Reflector<any>>();
  private kubeConfig?: KubeConfig;
  private watchdog?: NodeJS.Timeout;
  private discoveryTimer?: NodeJS.Timeout;
  private discoveryError?: string;
  private stopped = false;
  private version = 0;
  private readonly listeners = new Set<(change: ClusterCacheChange) => void>();

  constructor(private readonly options: ClusterCacheOptions) {}

  get name() {
    return this.options.cluster.name;
  }

  /** Increases on every change, so derived views can be memoised. */
  get changeCount() {
    return this.version;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.discoverAndWatch();
    this.watchdog = setInterval(
      () => this.restartSilentWatches(),
      Math.min(this.staleAfterMs / 4, 5_000),
    );
    this.watchdog.unref?.();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.discoveryTimer);
    for (const reflector of this.reflectors.values()) reflector.stop();
  }

  list<T = any>(key: CollectionKey, namespace?: string): T[] {
    return this.reflectors.get(key)?.list(namespace) ?? [];
  }

  /** Every object of a collection, one frozen list shared until it changes. */
  frozenList<T = any>(key: CollectionKey): readonly T[] {
    return (this.reflectors.get(key)?.frozenList() ?? EMPTY) as readonly T[];
  }

  /**
   * The objects of a collection that `selector` matches; pods and workloads
   * are indexed by label, so this costs about the objects that carry the
   * selector's labels, not the whole cluster.
   */
  matching<T = any>(key: CollectionKey, selector: LabelSelector): T[] {
    return (this.reflectors.get(key)?.matching(selector) ?? []) as T[];
  }

  /** Calls `listener` on every change the watches deliver; returns the unsubscribe. */
  subscribe(listener: (change: ClusterCacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get<T = any>(
    key: CollectionKey,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.reflectors.get(key)?.get(namespace, name);
  }

  /**
   * Whether the cache shows an object at `resourceVersion` or later (or does
   * not mirror its kind at all). Kubernetes
   * resourceVersions are opaque; newer ones are recognised only when both are
   * numbers, as they are with etcd.
   */
  hasSeen(
    ref: { kind: string; namespace?: string; name: string },
    resourceVersion: string,
  ): boolean {
    const spec = collections.find(c => c.kind === ref.kind);
    // What the cache does not mirror, it has nothing to catch up on.
    if (!spec || !this.reflectors.has(spec.key)) return true;
    const seen = this.get(spec.key, ref.namespace, ref.name)?.metadata
      ?.resourceVersion;
    if (seen === undefined) return false;
    if (seen === resourceVersion) return true;
    return /^\d+$/.test(seen) && /^\d+$/.test(resourceVersion)
      ? BigInt(seen) >= BigInt(resourceVersion)
      : false;
  }

  /** Whether the cluster serves a collection (mesh CRDs are optional). */
  serves(key: CollectionKey): boolean {
    return this.reflectors.has(key);
  }

  get staleAfterMs(): number {
    return this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  }

  health(): ClusterCacheHealth {
    const statuses = [...this.reflectors.values()].map(r => r.status());
    const silentRestarts = statuses.reduce((n, s) => n + s.silentRestarts, 0);
    if (this.discoveryError) {
      return {
        cluster: this.name,
        synced: false,
        reachable: false,
        stale: false,
        silentRestarts,
        error: this.discoveryError,
      };
    }
    const now = this.now();
    const synced =
      statuses.length > 0 && statuses.every(s => s.lastContact !== undefined);
    const failing = statuses.find(s => s.state === 'retrying');
    const contacts = statuses.map(s => s.lastContact ?? 0);
    const oldest = contacts.length ? Math.min(...contacts) : 0;
    const staleSinces = statuses.flatMap(s => {
      if (s.silentSince !== undefined) return [s.silentSince];
      if (
        s.lastContact !== undefined &&
        now - s.lastContact > this.staleAfterMs
      ) {
        return [s.lastContact];
      }
      return [];
    });
    const staleSince = staleSinces.length
      ? Math.min(...staleSinces)
      : undefined;
    return {
      cluster: this.name,
      synced,
      reachable: !statuses.length || statuses.some(s => s.state !== 'retrying'),
      dataAsOf: oldest ? new Date(oldest).toISOString() : undefined,
      stale: synced && staleSince !== undefined,
      staleSince:
        synced && staleSince !== undefined
          ? new Date(staleSince).toISOString()
          : undefined,
      silentRestarts,
      error: failing?.error,
    };
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** The client config for writes, once discovery has succeeded. */
  async kubeConfigForWrites(): Promise<KubeConfig> {
    if (!this.kubeConfig) {
      this.kubeConfig = await this.makeKubeConfig();
    }
    return this.kubeConfig;
  }

  private async makeKubeConfig(): Promise<KubeConfig> {
    const k8s = await loadKubernetesClient();
    const { cluster } = this.options;
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: cluster.caData,
          skipTLSVerify: cluster.skipTLSVerify,
        },
      ],
      users: [{ name: 'backstage', token: cluster.serviceAccountToken }],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'backstage' },
      ],
      currentContext: cluster.name,
    });
    return kc;
  }

  private async discoverAndWatch(): Promise<void> {
    const k8s = await loadKubernetesClient();
    const kc = await this.kubeConfigForWrites();
    let servedGroups: Set<string>;
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    try {
      const groups = await makeTimedApiClient(
        k8s,
        kc,
        k8s.ApisApi,
        timeoutMs,
      ).getAPIVersions();
      servedGroups = new Set(
        groups.groups.flatMap(g =>
          g.versions.map(v => `${g.name}/${v.version}`),
        ),
      );
      this.discoveryError = undefined;
    } catch (error) {
      this.discoveryError = `Cluster unreachable: ${
        error instanceof Error ? error.message : String(error)
      }`;
      this.options.logger.warn(
        `service-mesh: ${this.name}: ${this.discoveryError}`,
      );
      if (!this.stopped) {
        this.discoveryTimer = setTimeout(
          () => void this.discoverAndWatch(),
          this.options.discoveryRetryMs ?? 15_000,
        );
        this.discoveryTimer.unref?.();
      }
      return;
    }
    const watch = new k8s.Watch(kc);
    const objects = makeTimedApiClient(
      k8s,
      kc,
      k8s.KubernetesObjectApi,
      timeoutMs,
    );
    for (const spec of collections) {
      const served =
        !spec.group || servedGroups.has(`${spec.group}/${spec.version}`);
      if (!served || this.reflectors.has(spec.key)) continue;
      const reflector = new Reflector<CachedObject>({
        name: `${this.name}/${spec.plural}`,
        path: collectionPath(spec),
        labelSelector: spec.labelSelector,
        watch,
        list: trim => this.listCollection(objects, spec, trim),
        trim: object => trimObject(spec.key, object),
        logger: this.options.logger,
        now: this.options.now,
        indexLabels: LABEL_INDEXED.has(spec.key),
        onChange: change => {
          this.version += 1;
          for (const listener of this.listeners) {
            try {
              listener({ ...change, collection: spec.key });
            } catch (error) {
              // A listener's bug must not stop the watch that feeds everyone.
              this.options.logger.warn(
                `service-mesh: ${this.name}: change listener failed: ${error}`,
              );
            }
          }
        },
      });
      this.reflectors.set(spec.key, reflector);
      reflector.start();
    }
  }

  /** Lists in pages of 500, each trimmed as it arrives. */
  private async listCollection(
    objects: { list: (...args: any[]) => Promise<any> },
    spec: CollectionSpec,
    trim: (object: unknown) => CachedObject,
  ) {
    // KubernetesObjectApi resolves kinds through discovery; the raw list
    // keeps the collection's resourceVersion for the watch.
    const apiVersion = spec.group
      ? `${spec.group}/${spec.version}`
      : spec.version;
    const items: CachedObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await objects.list(
        apiVersion,
        spec.kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        spec.labelSelector,
        500,
        continueToken,
      );
      for (const item of page.items) items.push(trim(item));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  /** The watchdog: a watch open but silent for the stale threshold is restarted. */
  private restartSilentWatches() {
    const now = this.now();
    for (const reflector of this.reflectors.values()) {
      const { state, lastContact } = reflector.status();
      if (
        state === 'synced' &&
        lastContact !== undefined &&
        now - lastContact > this.staleAfterMs
      ) {
        reflector.restartSilent(
          `no event or bookmark for ${Math.round(
            (now - lastContact) / 1000,
          )} s`,
        );
      }
    }
  }
}
