import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ClusterCache } from './ClusterCache';
import { KubernetesWriter } from './KubernetesWriter';
import type { MeshClusterConfig } from './clusterConfig';
import type { RetryPolicy } from './retry';

/** How the caches and writers talk to every cluster; `serviceMesh.*` in config. */
export interface ClusterRegistryOptions {
  /** Data older than this is reported stale; silent watches are restarted after it. */
  staleAfterMs?: number;
  /** Every call to a cluster is aborted after this long. */
  requestTimeoutMs?: number;
  /** Calls in flight per cluster from the writer, at most. */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
}

export interface MeshCluster {
  config: MeshClusterConfig;
  cache: ClusterCache;
  writer: KubernetesWriter;
}

/** The configured clusters, each with its cache and writer. */
export class ClusterRegistry {
  private readonly clusters: Map<string, MeshCluster>;

  constructor(
    configs: MeshClusterConfig[],
    logger: LoggerService,
    options: ClusterRegistryOptions = {},
  ) {
    this.clusters = new Map(
      configs.map(config => {
        const cache = new ClusterCache({
          cluster: config,
          logger,
          staleAfterMs: options.staleAfterMs,
          requestTimeoutMs: options.requestTimeoutMs,
        });
        const writer = new KubernetesWriter({
          cluster: config.name,
          kubeConfig: () => cache.kubeConfigForWrites(),
          timeoutMs: options.requestTimeoutMs,
          maxInFlight: options.maxInFlight,
          retry: options.retry,
        });
        return [config.name, { config, cache, writer }];
      }),
    );
  }

  async start(): Promise<void> {
    await Promise.all([...this.clusters.values()].map(c => c.cache.start()));
  }

  stop(): void {
    for (const cluster of this.clusters.values()) cluster.cache.stop();
  }

  all(): MeshCluster[] {
    return [...this.clusters.values()];
  }

  /** Throws InputError for a cluster that is not configured. */
  get(name: string): MeshCluster {
    const cluster = this.clusters.get(name);
    if (!cluster) {
      throw new InputError(
        `Unknown cluster '${name}'; configured clusters: ${
          [...this.clusters.keys()].join(', ') || 'none'
        }`,
      );
    }
    return cluster;
  }
}
