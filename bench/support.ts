/* What the benchmarks share: a quiet logger, percentiles, a synced registry. */
import { performance } from 'node:perf_hooks';
import type { DemoCluster } from '@mesh-backstage/demo-cluster';
import { ClusterRegistry } from '../plugins/service-mesh-backend/src/kubernetes/ClusterRegistry';

/** Logs only warnings and errors, to stderr. */
export const quietLogger: any = {
  info() {},
  warn: (message: string) => process.stderr.write(`warn: ${message}\n`),
  error: (message: string) => process.stderr.write(`error: ${message}\n`),
  debug() {},
  child() {
    return quietLogger;
  },
};

/** The value at percentile `p` of ascending `sorted` (nearest rank). */
export function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/**
 * The backend's registry with one cluster, `name`, on the demo cluster,
 * once its watch-backed cache is synced (reported with how long it took).
 */
export async function syncedRegistry(
  cluster: DemoCluster,
  name: string,
): Promise<ClusterRegistry> {
  const registry = new ClusterRegistry(
    [
      {
        name,
        url: cluster.url,
        serviceAccountToken: cluster.token,
        skipTLSVerify: true,
        enrollment: 'memberRoll',
      },
    ],
    quietLogger,
  );
  const syncStart = performance.now();
  await registry.start();
  const cache = registry.get(name).cache;
  while (!cache.health().synced) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  console.log(
    `backend caches synced in ${(
      (performance.now() - syncStart) /
      1000
    ).toFixed(1)} s (${cache.list('pods').length} pods cached)`,
  );
  return registry;
}
