/*
 * Benchmark: entity mesh status from the watch-backed caches.
 *
 * Starts the demo cluster's `scale` scenario (500 namespaces × 20 pods =
 * 10,000 pods), lets the service-mesh backend's caches sync over HTTP, then
 * asks for the status of an entity with 3 namespaces many times. Reports
 * p50/p95/max and the number of HTTP requests the backend sent to the cluster
 * while answering (expected: 0, every answer comes from the caches).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/service-mesh-status.ts
 */
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { scenarios, startDemoCluster } from '@mesh-backstage/demo-cluster';
import { DefaultServiceMeshService } from '../plugins/service-mesh-backend/src/service/DefaultServiceMeshService';
import { percentile, quietLogger, syncedRegistry } from './support';

const ITERATIONS = Number(process.env.ITERATIONS ?? 300);

async function main() {
  let stopScenario = () => {};
  const setupStart = performance.now();
  const cluster = await startDemoCluster({
    setup: async api => {
      stopScenario = await scenarios.scale.setup(api, {
        namespaces: 500,
        podsPerNamespace: 20,
      });
    },
  });
  const pods = cluster.api.list({ group: '', plural: 'pods' }).length;
  console.log(
    `scale scenario: ${pods} pods ready in ${(
      (performance.now() - setupStart) /
      1000
    ).toFixed(1)} s`,
  );

  const registry = await syncedRegistry(cluster, 'scale');

  const service = new DefaultServiceMeshService({
    clusters: registry,
    logger: quietLogger,
  });
  const ids = cluster.api
    .list({ group: 'apps', plural: 'deployments' })
    .map(d => d.metadata.labels?.['backstage.io/kubernetes-id'])
    .filter((id): id is string => Boolean(id));
  const chosen = [...new Set(ids)].slice(0, 3);
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'bench',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-label-selector': `backstage.io/kubernetes-id in (${chosen.join(
          ',',
        )})`,
      },
    },
    spec: {},
  };

  let requests = 0;
  const countRequest = () => {
    requests += 1;
  };
  const first = await service.getStatus(entity);
  const namespaces = first.clusters.flatMap(c => c.namespaces.map(n => n.name));
  subscribe('http.client.request.start', countRequest);
  const durations: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await service.getStatus(entity);
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  console.log(
    `status of an entity with ${
      namespaces.length
    } namespaces (${namespaces.join(
      ', ',
    )}) on a cluster with ${pods} pods, ${ITERATIONS} calls:`,
  );
  console.log(
    `  p50 ${percentile(durations, 50).toFixed(2)} ms, p95 ${percentile(
      durations,
      95,
    ).toFixed(2)} ms, max ${durations[durations.length - 1].toFixed(2)} ms`,
  );
  console.log(`  HTTP requests to the cluster while answering: ${requests}`);

  registry.stop();
  stopScenario();
  await cluster.close();
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
