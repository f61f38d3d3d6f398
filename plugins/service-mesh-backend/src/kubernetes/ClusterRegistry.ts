import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ClusterCache } from './ClusterCache';
import { KubernetesWriter } from './KubernetesWriter';
import type { MeshClusterConfig } from './clusterConfig';

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
    cacheOptions: { staleAfterMs?: number } = {},
  ) {
    this.clusters = new Map(
      configs.map(config => {
        const cache = new ClusterCache({
          cluster: config,
          logger,
          ...cacheOptions,
        });
        return [
          config.name,
          {
            config,
            cache,
            writer: new KubernetesWriter(() => cache.kubeConfigForWrites()),
          },
        ];
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
