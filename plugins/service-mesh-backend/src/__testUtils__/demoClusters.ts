import { mockServices } from '@backstage/backend-test-utils';
import {
  DemoCluster,
  scenarios,
  startDemoCluster,
} from '@mesh-backstage/demo-cluster';
import type { Entity } from '@backstage/catalog-model';
import { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { MeshClusterConfig } from '../kubernetes/clusterConfig';

export interface RunningDemo {
  clusters: Record<string, DemoCluster>;
  registry: ClusterRegistry;
  close(): Promise<void>;
}

/**
 * Starts demo clusters for the named scenarios (cluster name `demo-<scenario>`)
 * and a registry of caches pointed at them, waiting until every cache is synced.
 */
export async function startDemoClusters(
  scenarioNames: string[],
  options: { enrollment?: 'memberRoll' | 'member' } = {},
): Promise<RunningDemo> {
  const clusters: Record<string, DemoCluster> = {};
  const stops: Array<() => void> = [];
  for (const scenarioName of scenarioNames) {
    clusters[`demo-${scenarioName}`] = await startDemoCluster({
      setup: async (api, faults) => {
        stops.push(
          await scenarios[scenarioName].setup(api, { faults, readyDelayMs: 0 }),
        );
      },
    });
  }
  const configs: MeshClusterConfig[] = Object.entries(clusters).map(
    ([name, cluster]) => ({
      name,
      url: cluster.url,
      serviceAccountToken: cluster.token,
      skipTLSVerify: true,
      enrollment: options.enrollment ?? 'memberRoll',
    }),
  );
  const registry = new ClusterRegistry(configs, mockServices.logger.mock());
  await registry.start();
  await waitUntil(() => registry.all().every(c => c.cache.health().synced));
  return {
    clusters,
    registry,
    async close() {
      registry.stop();
      stops.forEach(stop => stop());
      await Promise.all(Object.values(clusters).map(c => c.close()));
    },
  };
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

export function component(
  name: string,
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
  owner = 'group:default/guests',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}
