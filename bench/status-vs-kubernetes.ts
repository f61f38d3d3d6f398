/*
 * Benchmark: entity status from the service-mesh backend against the
 * standard Kubernetes backend (`POST /api/kubernetes/services/:id`), side by
 * side, for the same entities, in one run.
 *
 * Starts the `scale` demo cluster (500 namespaces × 20 pods) in this process,
 * a backend with both plugins in a child process (bench/status-backend.ts)
 * and the clients in another (bench/status-clients.ts), maps entities of 1,
 * 3 and 20 namespaces, warms both, then measures, with ours and theirs
 * interleaved: sequential p50/p95/max; 10 concurrent clients p50/p95 and
 * requests per second; requests to the cluster, backend CPU and GC pauses,
 * catalog and permission calls per call; response bytes. Twice: as the demo
 * cluster is, and with its latency fault at 10–20 ms per request. Then the
 * time from a pod change on the cluster to the entity's signal, the label
 * selector against the namespace annotation, cache heap per pod and the cold
 * start (backend start to synced).
 *
 *   yarn bench:status
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { resolve as resolvePath } from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { scenarios, startDemoCluster } from '@mesh-backstage/demo-cluster';
import type {
  ClusterRegistry,
  MeshCluster,
} from '../plugins/service-mesh-backend/src/kubernetes/ClusterRegistry';
import { loadKubernetesClient } from '../plugins/service-mesh-backend/src/kubernetes/kubernetesClient';
import { DefaultServiceMeshService } from '../plugins/service-mesh-backend/src/service/DefaultServiceMeshService';
import {
  namespacesOfEntityOn,
  readEntityScope,
} from '../plugins/service-mesh-backend/src/service/entityScope';
import type { ClientRequest } from './status-clients';
import {
  BackendProcess,
  type BackendStats,
  ClientsProcess,
} from './status-processes';
import { percentile, quietLogger, syncedRegistry } from './support';

type Side = 'ours' | 'theirs';

const NAMESPACES = Number(process.env.NAMESPACES ?? 500);
const PODS_PER_NAMESPACE = Number(process.env.PODS_PER_NAMESPACE ?? 20);
/** Sequential calls per entity and side, in rounds of ROUND alternating ours and theirs. */
const SEQUENTIAL = Number(process.env.SEQUENTIAL ?? 60);
const ROUND = 10;
/**
 * Calls per entity with CONCURRENCY clients, in two blocks per side. Ours
 * are cheap, so more of them: a single stall of the machine (other work on
 * its 2 cores) then weighs less in our p95.
 */
const CONCURRENT: Record<Side, number> = {
  ours: Number(process.env.CONCURRENT_OURS ?? 1000),
  theirs: Number(process.env.CONCURRENT ?? 200),
};
const CONCURRENCY = 10;
/**
 * Unmeasured calls per entity and side before its first measured call, with
 * CONCURRENCY clients: enough for the JIT to have compiled the side's path,
 * about a second of work each (theirs are 10–60 times dearer).
 */
const WARMUP: Record<Side, number> = { ours: 2000, theirs: 50 };
const SIGNAL_CHANGES = Number(process.env.SIGNAL_CHANGES ?? 25);

const appId = (i: number) => `scale-app-${String(i).padStart(4, '0')}`;

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  };
}

/** The measured entities: by kubernetes-id (1 namespace) and by label selector (3, 20). */
const entities = [
  {
    label: '1 ns (kubernetes-id)',
    entity: component('bench-one', {
      'backstage.io/kubernetes-id': appId(1),
    }),
  },
  {
    label: '3 ns (label selector)',
    entity: component('bench-three', {
      'backstage.io/kubernetes-id': 'bench-three',
      'backstage.io/kubernetes-label-selector': `backstage.io/kubernetes-id in (${[
        2, 3, 4,
      ]
        .map(appId)
        .join(',')})`,
    }),
  },
  {
    label: '20 ns (label selector)',
    entity: component('bench-twenty', {
      'backstage.io/kubernetes-id': 'bench-twenty',
      'backstage.io/kubernetes-label-selector': `backstage.io/kubernetes-id in (${Array.from(
        { length: 20 },
        (_, i) => appId(i + 5),
      ).join(',')})`,
    }),
  },
];

/** One side's figures for one entity in one run. */
class Sample {
  sequential: number[] = [];
  concurrent: number[] = [];
  concurrentMs = 0;
  calls = 0;
  cpuMicros = 0;
  clusterRequests = 0;
  catalogCalls = 0;
  permissionCalls = 0;
  minorGcMs = 0;
  majorGcMs = 0;
  bytes = 0;

  add(before: BackendStats, after: BackendStats, calls: number) {
    this.calls += calls;
    this.cpuMicros +=
      after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system;
    this.clusterRequests += after.clusterRequests - before.clusterRequests;
    this.catalogCalls += after.catalogCalls - before.catalogCalls;
    this.permissionCalls += after.permissionCalls - before.permissionCalls;
    this.minorGcMs += after.minorGcMs - before.minorGcMs;
    this.majorGcMs += after.majorGcMs - before.majorGcMs;
  }
}

/** SIDES=ours: only ours, e.g. for a CPU profile of our path (BENCH_PROFILE). */
const SIDES = (process.env.SIDES ?? 'ours,theirs').split(',') as Side[];

async function main() {
  let stopScenario = () => {};
  const setupStart = performance.now();
  const cluster = await startDemoCluster({
    setup: async (api, faults) => {
      stopScenario = await scenarios.scale.setup(api, {
        faults,
        namespaces: NAMESPACES,
        podsPerNamespace: PODS_PER_NAMESPACE,
      });
    },
  });
  const pods = cluster.api.list({ group: '', plural: 'pods' }).length;
  const namespaceCount = cluster.api.list({
    group: '',
    plural: 'namespaces',
  }).length;
  console.log(
    `scale scenario: ${pods} pods in ${namespaceCount} namespaces ready in ${(
      (performance.now() - setupStart) /
      1000
    ).toFixed(1)} s`,
  );

  const forkedAt = performance.timeOrigin + performance.now();
  const backend = new BackendProcess(
    fork(resolvePath(__dirname, 'status-backend.ts'), {
      execArgv: [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        // BENCH_BACKEND_FLAGS: more Node flags, e.g. --trace-gc.
        ...(process.env.BENCH_BACKEND_FLAGS?.split(' ').filter(Boolean) ?? []),
        // BENCH_PROFILE=<dir>: a CPU profile of the backend process.
        ...(process.env.BENCH_PROFILE
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
          : []),
      ],
      env: {
        ...process.env,
        BENCH_BACKEND: JSON.stringify({
          clusterUrl: cluster.url,
          token: cluster.token,
          entities: entities.map(e => e.entity),
        }),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  const clients = new ClientsProcess(
    fork(resolvePath(__dirname, 'status-clients.ts'), {
      execArgv: ['--require', '@backstage/cli/config/nodeTransform.cjs'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  // A failed run must not leave the child processes behind.
  process.on('exit', () => {
    backend.child.kill();
    clients.child.kill();
  });
  const ready = await backend.ready;
  const base = `http://127.0.0.1:${ready.port}`;
  const headers = {
    Authorization: mockCredentials.user.header(),
    'Content-Type': 'application/json',
  };
  const requestOf = (side: Side, entity: Entity): ClientRequest =>
    side === 'ours'
      ? {
          url: `${base}/api/service-mesh/entities/component/default/${entity.metadata.name}/status`,
          method: 'GET',
          headers,
        }
      : {
          url: `${base}/api/kubernetes/services/${
            entity.metadata.annotations!['backstage.io/kubernetes-id']
          }`,
          method: 'POST',
          headers,
          body: JSON.stringify({ entity }),
        };
  const call = async (side: Side, entity: Entity) => {
    const done = await clients.calls(requestOf(side, entity), 1, 1);
    return {
      ms: done.ms[0],
      bytes: Buffer.byteLength(done.body),
      body: done.body,
    };
  };

  // Cold start: from the backend's start to the status reporting synced.
  let synced = false;
  while (!synced) {
    const { body } = await call('ours', entities[0].entity);
    synced = Boolean(JSON.parse(body).clusters?.[0]?.synced);
    if (!synced) await new Promise(resolve => setTimeout(resolve, 50));
  }
  const syncedAt = performance.timeOrigin + performance.now();
  const coldStart = {
    forkToSynced: syncedAt - forkedAt,
    backendStartToSynced: syncedAt - ready.backendStart,
    backendStartup: ready.backendStarted - ready.backendStart,
  };
  console.log(
    `backend: started in ${(coldStart.backendStartup / 1000).toFixed(
      1,
    )} s; backend start -> synced ${(
      coldStart.backendStartToSynced / 1000
    ).toFixed(1)} s (fork -> synced ${(coldStart.forkToSynced / 1000).toFixed(
      1,
    )} s)`,
  );

  const runs: Array<{ name: string; samples: Map<string, Sample> }> = [];
  for (const run of ['as is', 'latency 10–20 ms']) {
    const faultIds: string[] = [];
    if (run !== 'as is') {
      faultIds.push(cluster.faults.add({ latencyMs: 10 }).id!);
      faultIds.push(cluster.faults.add({ latencyMs: 10, percent: 50 }).id!);
    }
    const samples = new Map<string, Sample>();
    for (const { label, entity } of entities) {
      for (const side of SIDES) {
        samples.set(`${label}/${side}`, new Sample());
        await clients.calls(requestOf(side, entity), WARMUP[side], CONCURRENCY);
      }
      // Sequential, alternating rounds of ours and theirs.
      for (let done = 0; done < SEQUENTIAL; done += ROUND) {
        for (const side of SIDES) {
          const sample = samples.get(`${label}/${side}`)!;
          const before = await backend.stats();
          for (let i = 0; i < ROUND; i++) {
            const { ms, bytes } = await call(side, entity);
            sample.sequential.push(ms);
            sample.bytes = bytes;
          }
          sample.add(before, await backend.stats(), ROUND);
        }
      }
      // Concurrent clients, two blocks per side, alternating.
      for (let block = 0; block < 2; block++) {
        for (const side of SIDES) {
          const sample = samples.get(`${label}/${side}`)!;
          const calls = CONCURRENT[side] / 2;
          // Unmeasured calls first, so that each block finds the backend in
          // steady use of this side's path, whatever the block before did.
          // (No forced collections: see bench/README.md.)
          await clients.calls(requestOf(side, entity), calls / 5, CONCURRENCY);
          const before = await backend.stats();
          const done = await clients.calls(
            requestOf(side, entity),
            calls,
            CONCURRENCY,
          );
          sample.concurrent.push(...done.ms);
          sample.concurrentMs += done.elapsedMs;
          sample.add(before, await backend.stats(), calls);
        }
      }
    }
    faultIds.forEach(id => cluster.faults.remove(id));
    runs.push({ name: run, samples });
    console.log(`run "${run}" done`);
  }

  // Pod change on the cluster -> the entity's signal. The status was read
  // above, so the backend signals this entity.
  const channel = 'service-mesh:entity:component:default/bench-one';
  const delays: number[] = [];
  await call('ours', entities[0].entity);
  for (let i = 0; i < SIGNAL_CHANGES; i++) {
    const [victim] = cluster.api.list(
      { group: '', plural: 'pods' },
      { namespace: 'scale-0001' },
    );
    const changedAt = performance.timeOrigin + performance.now();
    cluster.api.delete(
      { group: '', plural: 'pods' },
      'scale-0001',
      victim.metadata.name!,
    );
    const deadline = performance.now() + 5_000;
    let signal: { at: number } | undefined;
    while (!signal && performance.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 5));
      signal = backend.signals.find(
        s => s.channel === channel && s.at > changedAt,
      );
    }
    delays.push(signal ? signal.at - changedAt : Infinity);
    // Let the replacement pod settle, and its signal go, before the next change.
    await new Promise(resolve => setTimeout(resolve, 600));
  }
  delays.sort((a, b) => a - b);

  // The status of one namespace's entity found by namespace annotation, by
  // label selector and by kubernetes-id (the derivation memoised per cache
  // change, so this is the lookup), and the cache's heap per pod, on a
  // registry of this process.
  const gc = (globalThis as { gc?: () => void }).gc;
  await loadKubernetesClient();
  let registry: ClusterRegistry | undefined = await syncedRegistry(
    cluster,
    'scale',
  );
  let service: DefaultServiceMeshService | undefined =
    new DefaultServiceMeshService({ clusters: registry, logger: quietLogger });
  let meshCluster: MeshCluster | undefined = registry.get('scale');
  const median = (times: number[]) =>
    percentile(
      times.sort((a, b) => a - b),
      50,
    );
  const resolutionTimes = async (annotations: Record<string, string>) => {
    const entity = component('resolve', annotations);
    const scope = readEntityScope(entity);
    const index: number[] = [];
    const status: number[] = [];
    for (let i = 0; i < 300; i++) {
      let start = performance.now();
      if (namespacesOfEntityOn(scope, meshCluster!).length !== 1) {
        throw new Error(`not one namespace: ${JSON.stringify(annotations)}`);
      }
      index.push(performance.now() - start);
      start = performance.now();
      await service!.getStatus(entity);
      status.push(performance.now() - start);
    }
    return { index: median(index), status: median(status) };
  };
  const byNamespace = await resolutionTimes({
    'backstage.io/kubernetes-namespace': 'scale-0001',
  });
  const bySelector = await resolutionTimes({
    'backstage.io/kubernetes-label-selector': `backstage.io/kubernetes-id=${appId(
      1,
    )}`,
  });
  const byId = await resolutionTimes({
    'backstage.io/kubernetes-id': appId(1),
  });
  registry.stop();
  registry = undefined;
  service = undefined;
  meshCluster = undefined;
  // The cache's heap: a second registry's sync, now that the first has had
  // the server serialise (and keep the JSON of) every object.
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const measured = await syncedRegistry(cluster, 'scale');
  gc?.();
  const heapPerPod = (process.memoryUsage().heapUsed - heapBefore) / pods;
  measured.stop();

  printTable(runs);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    `\npod change -> signal (${delays.length} changes): p50 ${ms(
      percentile(delays, 50),
    )}, p95 ${ms(percentile(delays, 95))}, max ${ms(delays.at(-1)!)}`,
  );
  const micros = (v: number) => `${(v * 1000).toFixed(1)} µs`;
  for (const [what, figure] of [
    ['namespaces from the label index', 'index'],
    ['whole status (memoised per cache change)', 'status'],
  ] as const) {
    console.log(
      `${what}, median of 300: namespace annotation ${micros(
        byNamespace[figure],
      )}, label selector ${micros(bySelector[figure])}, kubernetes-id ${micros(
        byId[figure],
      )} (selector / annotation ${(
        bySelector[figure] / byNamespace[figure]
      ).toFixed(1)}×)`,
    );
  }
  console.log(
    gc
      ? `cache heap per pod: ${(heapPerPod / 1024).toFixed(2)} KB`
      : 'cache heap per pod: run with --expose-gc',
  );

  clients.child.kill();
  backend.child.send({ type: 'stop' });
  await new Promise(resolve => backend.child.once('exit', resolve));
  stopScenario();
  await cluster.close();
}

function printTable(
  runs: Array<{ name: string; samples: Map<string, Sample> }>,
) {
  const rows: string[][] = [
    ['run', 'entity', 'figure', 'ours', 'theirs', 'theirs / ours'],
  ];
  // A side left out (SIDES) has no figures.
  const fixed = (v: number | undefined, digits = 1) =>
    v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
  for (const { name, samples } of runs) {
    for (const { label } of entities) {
      const ours = samples.get(`${label}/ours`) ?? new Sample();
      const theirs = samples.get(`${label}/theirs`) ?? new Sample();
      const sorted = (s: Sample, key: 'sequential' | 'concurrent') =>
        [...s[key]].sort((a, b) => a - b);
      const figures: Array<[string, (s: Sample) => number, number?]> = [
        ['sequential p50 ms', s => percentile(sorted(s, 'sequential'), 50)],
        ['sequential p95 ms', s => percentile(sorted(s, 'sequential'), 95)],
        ['sequential max ms', s => sorted(s, 'sequential').at(-1)!],
        ['10 clients p50 ms', s => percentile(sorted(s, 'concurrent'), 50)],
        ['10 clients p95 ms', s => percentile(sorted(s, 'concurrent'), 95)],
        [
          '10 clients req/s (ratio ours / theirs)',
          s => s.concurrent.length / (s.concurrentMs / 1000),
        ],
        ['cluster requests per call', s => s.clusterRequests / s.calls, 2],
        ['backend CPU ms per call', s => s.cpuMicros / 1000 / s.calls, 2],
        ['backend GC ms per call, young gen.', s => s.minorGcMs / s.calls, 3],
        ['backend GC ms per call, old gen.', s => s.majorGcMs / s.calls, 3],
        ['catalog calls per call', s => s.catalogCalls / s.calls, 2],
        ['permission calls per call', s => s.permissionCalls / s.calls, 2],
        ['response bytes', s => s.bytes, 0],
      ];
      for (const [figure, value, digits] of figures) {
        const a = value(ours);
        const b = value(theirs);
        const ratio = figure.includes('req/s') ? a / b : b / a;
        rows.push([
          name,
          label,
          figure,
          fixed(a, digits),
          fixed(b, digits),
          Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : '–',
        ]);
      }
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${line(rows[0])}`);
  console.log(`| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`);
  rows.slice(1).forEach(r => console.log(line(r)));
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
