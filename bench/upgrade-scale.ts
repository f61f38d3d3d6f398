/*
 * Benchmark: a canary control-plane upgrade of the whole `scale` scenario.
 *
 * Starts the demo cluster's `scale` scenario with two revisions (500
 * namespaces × 20 pods, every namespace on 1-23-1, half through the
 * prod-stable tag and half by name), lets the backend's caches sync over
 * HTTP, then upgrades every namespace to 1-24-3 through the real
 * UpgradeService and UpgradeRunner, on an in-memory SQLite database, with a
 * signals stub that records when each signal is published. Reports the total
 * time, the HTTP requests the backend sent to the cluster per namespace
 * migrated, and how long after pods became Ready the signals came.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/upgrade-scale.ts
 */
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import {
  scenarios,
  startDemoCluster,
  type StoreEvent,
} from '@mesh-backstage/demo-cluster';
import { DatabaseUpgradeStore } from '../plugins/service-mesh-backend/src/database/DatabaseUpgradeStore';
import type { MeshUpgradeDocuments } from '../plugins/service-mesh-backend/src/database/UpgradeStore';
import { DEFAULT_UPGRADE_OPTIONS } from '../plugins/service-mesh-backend/src/domain/upgrades';
import type { Pod } from '../plugins/service-mesh-backend/src/domain/kube';
import { podProxy } from '../plugins/service-mesh-backend/src/domain/proxies';
import { KeyedQueue } from '../plugins/service-mesh-backend/src/service/KeyedQueue';
import { CacheUpgradeClusters } from '../plugins/service-mesh-backend/src/upgrades/UpgradeClusters';
import {
  UpgradeRecorder,
  type UpgradeSignal,
} from '../plugins/service-mesh-backend/src/upgrades/UpgradeRecorder';
import { UPGRADES_CHANNEL } from '../plugins/service-mesh-common/src';
import { UpgradeRunner } from '../plugins/service-mesh-backend/src/upgrades/UpgradeRunner';
import { UpgradeService } from '../plugins/service-mesh-backend/src/upgrades/UpgradeService';
import { percentile, quietLogger, syncedRegistry } from './support';

const NAMESPACES = Number(process.env.NAMESPACES ?? 500);
const PODS_PER_NAMESPACE = Number(process.env.PODS_PER_NAMESPACE ?? 20);
const BATCH_SIZE = Number(process.env.BATCH_SIZE ?? 25);
/** Batches at once: one migrates while the previous one waits for its gate. */
const PARALLELISM = Number(process.env.PARALLELISM ?? 2);
const READY_DELAY_MS = Number(process.env.READY_DELAY_MS ?? 0);
const CLUSTER = 'scale';
const TARGET = '1-24-3';

/** Signals as published, with the time of each. */
class TimedSignals {
  readonly published: { at: number; message: UpgradeSignal }[] = [];
  async publish(signal: SignalPayload) {
    // The bench runs one upgrade: its channel, not the list's.
    if (signal.channel !== UPGRADES_CHANNEL) {
      this.published.push({
        at: performance.now(),
        message: signal.message as UpgradeSignal,
      });
    }
  }
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  return `n ${sorted.length}, p50 ${ms(percentile(sorted, 50))}, p95 ${ms(
    percentile(sorted, 95),
  )}, max ${ms(sorted[sorted.length - 1])}`;
}

const isReady = (pod: any) =>
  (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );

async function main() {
  let stopScenario = () => {};
  const setupStart = performance.now();
  const cluster = await startDemoCluster({
    setup: async (api, faults) => {
      stopScenario = await scenarios.scale.setup(api, {
        faults,
        canaryRevisions: true,
        namespaces: NAMESPACES,
        podsPerNamespace: PODS_PER_NAMESPACE,
        readyDelayMs: READY_DELAY_MS,
      });
    },
  });
  const podCount = cluster.api.list({ group: '', plural: 'pods' }).length;
  console.log(
    `scale scenario with canary revisions: ${NAMESPACES} namespaces, ${podCount} pods ready in ${(
      (performance.now() - setupStart) /
      1000
    ).toFixed(1)} s`,
  );

  // When each pod on the target became Ready, and when each namespace last
  // changed a pod (Ready on the target, or an old pod gone), seen in the demo
  // cluster's store as it happens.
  const readyAt = new Map<string, { namespace: string; at: number }>();
  const settledAt = new Map<string, number>();
  cluster.store.subscribe((event: StoreEvent) => {
    const pod = event.object as unknown as Pod;
    if (event.resource.plural !== 'pods') return;
    const namespace = pod.metadata.namespace!;
    const onTarget = podProxy(pod)?.revision === TARGET;
    if (event.type === 'DELETED') {
      if (!onTarget) settledAt.set(namespace, performance.now());
      return;
    }
    if (!onTarget || !isReady(pod)) return;
    if (event.oldObject && isReady(event.oldObject)) return;
    const key = `${namespace}/${pod.metadata.name}`;
    if (!readyAt.has(key)) {
      const at = performance.now();
      readyAt.set(key, { namespace, at });
      settledAt.set(namespace, Math.max(settledAt.get(namespace) ?? 0, at));
    }
  });

  const registry = await syncedRegistry(cluster, CLUSTER);

  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const store = await DatabaseUpgradeStore.create<MeshUpgradeDocuments>({
    database: { getClient: async () => knex } as any,
  });
  const signals = new TimedSignals();
  const recorder = new UpgradeRecorder(store, quietLogger, signals);
  const clusters = new CacheUpgradeClusters(registry, new KeyedQueue());
  const runner = new UpgradeRunner({
    store,
    recorder,
    clusters,
    logger: quietLogger,
  });
  const service = new UpgradeService({
    store,
    recorder,
    clusters,
    onChange: () => runner.wake(),
  });

  // Every request the process sends from here on is the backend's.
  const requests = new Map<string, number>();
  const count = (what: string) =>
    requests.set(what, (requests.get(what) ?? 0) + 1);
  subscribe('http.client.request.start', message => {
    const { request } = message as {
      request: { method: string; path: string };
    };
    const watch = /[?&]watch=(true|1)/.test(request.path);
    const kind = request.path.split('?')[0].split('/').filter(Boolean);
    count(
      `${request.method}${watch ? ' (watch)' : ''} ${
        kind.at(-1) === undefined ? '' : shape(kind)
      }`,
    );
  });
  subscribe('undici:request:create', message => {
    const { request } = message as {
      request: { method: string; path: string };
    };
    count(`${request.method} (undici) ${request.path.split('?')[0]}`);
  });

  const upgradeStart = performance.now();
  const created = await service.create(
    {
      cluster: CLUSTER,
      controlPlane: { namespace: 'istio-system' },
      fromRevision: '1-23-1',
      target: { type: 'revision', revision: TARGET },
      options: {
        ...DEFAULT_UPGRADE_OPTIONS,
        batchSize: BATCH_SIZE,
        parallelism: PARALLELISM,
        readinessDeadlineSeconds: 600,
        pauseAfterCanary: false,
        moveTags: ['prod-stable', 'default'],
        movePinnedNamespaces: true,
      },
    },
    'user:default/bench',
  );
  const batches = created.batches.length;
  console.log(
    `upgrade ${created.id}: ${created.batches.reduce(
      (n, b) => n + b.namespaces.length,
      0,
    )} namespaces in ${batches} batches of ${BATCH_SIZE}, ${PARALLELISM} at once`,
  );
  runner.start();
  let phase = created.phase;
  let lastReport = performance.now();
  while (!['Succeeded', 'Failed', 'Aborted', 'Paused'].includes(phase)) {
    await new Promise(resolve => setTimeout(resolve, 200));
    const current = await service.get(created.id);
    phase = current.phase;
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      const passed = current.batches.filter(b => b.status === 'passed').length;
      console.log(
        `  ${((lastReport - upgradeStart) / 1000).toFixed(
          0,
        )} s: ${phase}, ${passed}/${batches} batches passed, ${
          readyAt.size
        } pods Ready on ${TARGET}`,
      );
    }
  }
  const totalMs = performance.now() - upgradeStart;
  await runner.stop();
  const done = await service.get(created.id);
  console.log(
    `upgrade ${done.phase} in ${(totalMs / 1000).toFixed(1)} s (${
      done.reason
    })`,
  );

  const total = [...requests.values()].reduce((a, b) => a + b, 0);
  console.log(
    `HTTP requests to the cluster: ${total}, ${(total / NAMESPACES).toFixed(
      2,
    )} per namespace migrated`,
  );
  for (const [what, n] of [...requests].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${String(n).padStart(6)}  ${what}`);
  }

  // Which signal first showed each namespace done: signals carry their events'
  // types in order, and the history holds the same events with their data.
  const history = await service.events(created.id);
  const doneAt = new Map<string, number>();
  let cursor = 0;
  for (const signal of signals.published) {
    for (const type of signal.message.events) {
      const event = history[cursor++];
      if (event?.type !== type) {
        throw new Error(
          `signal event ${type} does not match history ${event?.type}`,
        );
      }
      const namespace = event.namespace;
      if (type === 'NamespaceDone' && namespace && !doneAt.has(namespace)) {
        doneAt.set(namespace, signal.at);
      }
    }
  }
  const toNextSignal: number[] = [];
  const toDoneSignal: number[] = [];
  const lastReadyOf = new Map<string, number>();
  const publishTimes = signals.published.map(s => s.at);
  for (const { namespace, at } of readyAt.values()) {
    const next = publishTimes.find(t => t >= at);
    if (next !== undefined) toNextSignal.push(next - at);
    const signalled = doneAt.get(namespace);
    if (signalled !== undefined && signalled >= at) {
      toDoneSignal.push(signalled - at);
    }
    lastReadyOf.set(namespace, Math.max(lastReadyOf.get(namespace) ?? 0, at));
  }
  const lastPodToDone = [...lastReadyOf]
    .filter(([ns]) => doneAt.has(ns))
    .map(([ns, at]) => doneAt.get(ns)! - at);
  // The gate decides per batch: its reaction time runs from the last pod
  // change in any of the batch's namespaces.
  const batchSettledToDone = done.batches.flatMap(batch => {
    const names = batch.namespaces.map(n => n.namespace);
    const signalled = doneAt.get(names[0]);
    const settled = Math.max(...names.map(ns => settledAt.get(ns) ?? 0));
    return signalled === undefined || settled === 0
      ? []
      : [signalled - settled];
  });
  console.log(
    `pods Ready on ${TARGET}: ${readyAt.size}; signals on the upgrade's channel: ${signals.published.length}`,
  );
  console.log(
    `  pod Ready → next signal:                     ${summary(toNextSignal)}`,
  );
  console.log(
    `  pod Ready → signal of its namespace done:    ${summary(toDoneSignal)}`,
  );
  console.log(
    `  namespace's last pod Ready → that signal:    ${summary(lastPodToDone)}`,
  );
  console.log(
    `  batch's last pod change → its gate's signal: ${summary(
      batchSettledToDone,
    )}`,
  );

  registry.stop();
  stopScenario();
  await knex.destroy();
  await cluster.close();
}

/** A request path with names left out: `/api/v1/namespaces/{name}/pods`. */
function shape(segments: string[]): string {
  return `/${segments
    .map((s, i) =>
      segments[i - 1] === 'namespaces' || (i > 0 && isName(segments, i))
        ? '{name}'
        : s,
    )
    .join('/')}`;
}

function isName(segments: string[], i: number): boolean {
  const collection = segments[i - 1];
  return [
    'deployments',
    'pods',
    'mutatingwebhookconfigurations',
    'replicasets',
  ].includes(collection);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
