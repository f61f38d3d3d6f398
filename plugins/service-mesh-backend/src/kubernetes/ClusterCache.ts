import type { KubeConfig } from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { Reflector, CachedObject } from './Reflector';
import {
  CollectionKey,
  CollectionSpec,
  collectionPath,
  collections,
} from './collections';
import { trimObject } from './trim';
import type { MeshClusterConfig } from './clusterConfig';
import { loadKubernetesClient } from './kubernetesClient';

export interface ClusterCacheHealth {
  cluster: string;
  /** Every mirrored collection has completed its first list. */
  synced: boolean;
  /** The oldest moment any collection was last confirmed current, ISO time. */
  dataAsOf?: string;
  /** Why the cluster cannot be read, when it cannot. */
  error?: string;
}

export interface ClusterCacheOptions {
  cluster: MeshClusterConfig;
  logger: LoggerService;
  /** A collection silent for longer than this is relisted. */
  staleAfterMs?: number;
  /** Discovery is retried this often while the cluster is unreachable. */
  discoveryRetryMs?: number;
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
    const staleAfterMs = this.options.staleAfterMs ?? 5 * 60_000;
    this.watchdog = setInterval(
      () => this.checkStaleness(staleAfterMs),
      Math.min(staleAfterMs, 30_000),
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

  get<T = any>(
    key: CollectionKey,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.reflectors.get(key)?.get(namespace, name);
  }

  /** Whether the cluster serves a collection (mesh CRDs are optional). */
  serves(key: CollectionKey): boolean {
    return this.reflectors.has(key);
  }

  health(): ClusterCacheHealth {
    if (this.discoveryError) {
      return { cluster: this.name, synced: false, error: this.discoveryError };
    }
    const statuses = [...this.reflectors.values()].map(r => r.status());
    const synced =
      statuses.length > 0 && statuses.every(s => s.lastContact !== undefined);
    const failing = statuses.find(s => s.state === 'retrying');
    const contacts = statuses.map(s => s.lastContact ?? 0);
    const oldest = contacts.length ? Math.min(...contacts) : 0;
    return {
      cluster: this.name,
      synced,
      dataAsOf: oldest ? new Date(oldest).toISOString() : undefined,
      error: failing?.error,
    };
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
    try {
      const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
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
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    for (const spec of collections) {
      const served =
        !spec.group || servedGroups.has(`${spec.group}/${spec.version}`);
      if (!served || this.reflectors.has(spec.key)) continue;
      const reflector = new Reflector<CachedObject>({
        name: `${this.name}/${spec.plural}`,
        path: collectionPath(spec),
        labelSelector: spec.labelSelector,
        watch,
        list: () => this.listCollection(objects, spec),
        trim: object => trimObject(spec.key, object),
        logger: this.options.logger,
        onChange: () => {
          this.version += 1;
        },
      });
      this.reflectors.set(spec.key, reflector);
      reflector.start();
    }
  }

  private async listCollection(
    objects: { list: (...args: any[]) => Promise<any> },
    spec: CollectionSpec,
  ) {
    // KubernetesObjectApi resolves kinds through discovery; the raw list
    // keeps the collection's resourceVersion for the watch.
    const apiVersion = spec.group
      ? `${spec.group}/${spec.version}`
      : spec.version;
    const items: unknown[] = [];
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
      items.push(...page.items);
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  private checkStaleness(staleAfterMs: number) {
    const now = Date.now();
    for (const reflector of this.reflectors.values()) {
      const { state, lastContact } = reflector.status();
      if (
        state === 'synced' &&
        lastContact &&
        now - lastContact > staleAfterMs
      ) {
        reflector.restart(
          `no event or bookmark for ${Math.round(
            (now - lastContact) / 1000,
          )} s`,
        );
      }
    }
  }
}
