/*
 * Benchmark: the demo cluster's `scale` scenario.
 *
 * Starts 500 namespaces × 20 pods (10,000 pods) behind the HTTPS API server
 * and reports
 *   - setup time until every pod is Ready (target < 30 s);
 *   - a full pod LIST over HTTP with @kubernetes/client-node (target < 2 s),
 *     min/median/p95 of several runs;
 *   - `kubectl get pods -A` (Table output, paged by kubectl) with the npm
 *     package's kubectl 1.35.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/demo-cluster-scale.ts
 *
 * Environment: NAMESPACES (500), PODS_PER_NAMESPACE (20), RUNS (9),
 * KUBECTL_RUNS (3; 0 skips kubectl).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import {
  scenarios,
  startDemoCluster,
  writeKubeconfig,
} from '@mesh-backstage/demo-cluster';
import { loadKubernetesClient } from '../packages/demo-cluster/src/__testUtils__/kubernetesClient';
import { npmKubectlPath } from '../packages/demo-cluster/src/__testUtils__/kubectl';

const NAMESPACES = Number(process.env.NAMESPACES ?? 500);
const PODS_PER_NAMESPACE = Number(process.env.PODS_PER_NAMESPACE ?? 20);
const RUNS = Number(process.env.RUNS ?? 9);
const KUBECTL_RUNS = Number(process.env.KUBECTL_RUNS ?? 3);

const run = promisify(execFile);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const ms = (value: number) => `${Math.round(value)} ms`;
  return `min ${ms(sorted[0])}, median ${ms(at(0.5))}, p95 ${ms(
    at(0.95),
  )}, max ${ms(sorted[sorted.length - 1])} (${sorted.length} runs)`;
}

async function main() {
  const expected = NAMESPACES * PODS_PER_NAMESPACE;
  let stopScenario = () => {};
  const setupStart = performance.now();
  const cluster = await startDemoCluster({
    // HTTPS, so kubectl sends the token; the TLS cost is part of the figures.
    tls: true,
    // The scenario's setup resolves once every pod is Ready.
    setup: async api => {
      stopScenario = await scenarios.scale.setup(api, {
        namespaces: NAMESPACES,
        podsPerNamespace: PODS_PER_NAMESPACE,
      });
    },
  });
  const setupMs = performance.now() - setupStart;
  const pods = cluster.store
    .snapshot({ group: '', plural: 'pods' })
    .items.filter(pod => pod.metadata.namespace?.startsWith('scale-'));
  const ready = pods.filter(pod =>
    (
      pod.status as { conditions?: Array<{ type: string; status: string }> }
    )?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'),
  ).length;
  console.log(
    `setup: ${NAMESPACES} namespaces × ${PODS_PER_NAMESPACE} pods, ${ready}/${expected} Ready in ${(
      setupMs / 1000
    ).toFixed(
      1,
    )} s (target < 30 s); ${cluster.store.resourceVersion()} writes; RSS ${Math.round(
      process.memoryUsage().rss / 2 ** 20,
    )} MiB`,
  );

  // The server's answer alone: time to the last byte, no JSON parsing.
  const ca = Buffer.from(cluster.caData!, 'base64');
  const rawGet = () =>
    new Promise<number>((resolve, reject) => {
      https
        .get(
          `${cluster.url}/api/v1/pods`,
          { ca, headers: { Authorization: `Bearer ${cluster.token}` } },
          res => {
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
            });
            res.on('end', () => resolve(size));
          },
        )
        .on('error', reject);
    });
  const rawTimes: number[] = [];
  let rawBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    rawBytes = await rawGet();
    rawTimes.push(performance.now() - start);
  }
  console.log(
    `LIST /api/v1/pods raw HTTPS (server answer, ${(rawBytes / 2 ** 20).toFixed(
      1,
    )} MiB, not parsed): ${stats(rawTimes)}`,
  );

  const k8s = loadKubernetesClient();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(JSON.stringify(cluster.kubeconfig('bench')));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const listTimes: number[] = [];
  let items = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const list = await core.listPodForAllNamespaces();
    listTimes.push(performance.now() - start);
    items = list.items.length;
  }
  console.log(
    `LIST /api/v1/pods with @kubernetes/client-node listPodForAllNamespaces (${items} pods, one request, parsed and deserialised): ${stats(
      listTimes,
    )} (target < 2 s)`,
  );

  if (KUBECTL_RUNS > 0) {
    const dir = await fs.mkdtemp(join(tmpdir(), 'demo-cluster-bench-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, [
        {
          contextName: 'bench',
          url: cluster.url,
          token: cluster.token,
          caData: cluster.caData,
        },
      ]);
      const kubectl = npmKubectlPath();
      const { stdout: version } = await run(kubectl, ['version', '--client']);
      const kubectlTimes: number[] = [];
      let rows = 0;
      for (let i = 0; i < KUBECTL_RUNS; i++) {
        const start = performance.now();
        const { stdout } = await run(
          kubectl,
          [
            '--kubeconfig',
            kubeconfig,
            '--cache-dir',
            join(dir, 'cache'),
            'get',
            'pods',
            '-A',
          ],
          { maxBuffer: 256 * 2 ** 20 },
        );
        kubectlTimes.push(performance.now() - start);
        rows = stdout.trim().split('\n').length - 1;
      }
      console.log(
        `kubectl get pods -A (${version
          .split('\n')[0]
          .trim()}, Table, ${rows} rows, pages of 500): ${stats(kubectlTimes)}`,
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  stopScenario();
  await cluster.close();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
