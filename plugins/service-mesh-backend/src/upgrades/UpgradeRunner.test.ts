import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { DatabaseUpgradeStore } from '../database/DatabaseUpgradeStore';
import type { MeshUpgradeDocuments } from '../database/UpgradeStore';
import { podProxy } from '../domain/proxies';
import type { ClusterSnapshot } from '../domain/snapshot';
import {
  applyOperation,
  rollPods,
  upstreamRequest,
  upstreamScenario,
} from '../domain/upgrades/__fixtures__/scenarios';
import { RecordingSignals } from './__testUtils__/upgradeHarness';
import type { StepPlanner, UpgradeClusters } from './UpgradeClusters';
import { MeshUpgradeStore, UpgradeRecorder } from './UpgradeRecorder';
import { UpgradeRunner } from './UpgradeRunner';
import { UpgradeService } from './UpgradeService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A cluster on plain data: writes are applied to the fixture snapshot, and
 * every read rolls the pods of changed workloads (the ReplicaSet controller
 * and the injector). Counts each write by what it changes.
 */
class FakeClusters implements UpgradeClusters {
  readonly writes: string[] = [];
  readonly rereads: string[] = [];
  unhealthy: string[] = [];
  /** The process "dies" in this write (1-based), before or after making it: the call never returns. */
  dieIn?: { write: number; when: 'before' | 'after' };
  private changes = 0;
  private attempted = 0;

  constructor(private readonly cluster: ClusterSnapshot) {}

  assertKnown(cluster: string) {
    if (cluster !== this.cluster.cluster) {
      throw new InputError(`Unknown cluster '${cluster}'`);
    }
  }

  snapshot(cluster: string): ClusterSnapshot {
    this.assertKnown(cluster);
    rollPods(this.cluster, { unhealthy: this.unhealthy });
    return this.cluster;
  }

  changeCount() {
    return this.changes;
  }

  async write(
    cluster: string,
    plan: StepPlanner,
    options: { reread?: KubeOperation },
  ): Promise<boolean> {
    if (options.reread) this.rereads.push(options.reread.summary);
    const operation = plan(this.snapshot(cluster));
    if (!operation) return false;
    this.attempted += 1;
    const dying = this.dieIn?.write === this.attempted;
    if (dying && this.dieIn?.when === 'before') {
      return new Promise<boolean>(() => {});
    }
    applyOperation(this.cluster, operation);
    this.changes += 1;
    this.writes.push(
      `${operation.kind}/${operation.namespace ?? ''}/${operation.name}`,
    );
    if (dying) {
      return new Promise<boolean>(() => {});
    }
    return true;
  }

  async stillNeeded(cluster: string, plan: StepPlanner) {
    return plan(this.snapshot(cluster)) !== undefined;
  }

  proxies(): string[] {
    return [
      ...new Set(this.cluster.pods.map(p => podProxy(p)?.revision ?? 'none')),
    ];
  }
}

/** One clock for the service and runners, moved a second per pass. */
class Clock {
  time = Date.parse('2026-12-02T06:00:00Z');
  now = () => new Date(this.time);
}

const request = upstreamRequest({
  canary: { namespaces: ['payments'] },
  moveTags: ['prod-stable', 'default'],
  movePinnedNamespaces: true,
  batchSize: 2,
  pauseAfterCanary: false,
  readinessDeadlineSeconds: 30,
});

describe('UpgradeRunner', () => {
  let store: MeshUpgradeStore;
  let clusters: FakeClusters;
  let signals: RecordingSignals;
  let recorder: UpgradeRecorder;
  let service: UpgradeService;
  let clock: Clock;
  const runners: UpgradeRunner[] = [];

  const runner = (instanceId: string, leaseMs = 30_000) => {
    const created = new UpgradeRunner({
      store,
      recorder,
      clusters,
      logger: mockServices.logger.mock(),
      instanceId,
      leaseMs,
      now: clock.now,
    });
    runners.push(created);
    return created;
  };

  /** Passes of one runner until the upgrade leaves the running phases. */
  const runUntilSettled = async (r: UpgradeRunner, id: string) => {
    for (let pass = 0; pass < 100; pass++) {
      clock.time += 1_000;
      await r.runOnce();
      const { phase } = await store.get(id);
      if (!['Running', 'RollingBack'].includes(phase)) return phase;
    }
    return (await store.get(id)).phase;
  };

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseUpgradeStore.create<MeshUpgradeDocuments>({
      database: mockServices.database({ knex }),
    });
    clusters = new FakeClusters(upstreamScenario().snapshot);
    signals = new RecordingSignals();
    recorder = new UpgradeRecorder(store, mockServices.logger.mock(), signals);
    clock = new Clock();
    service = new UpgradeService({ store, recorder, clusters, now: clock.now });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map(r => r.stop()));
  });

  it('runs an upgrade to Succeeded, making each write once and signalling every change', async () => {
    const { id } = await service.create(request, 'user:default/guest');
    expect(await runUntilSettled(runner('a'), id)).toBe('Succeeded');
    expect(clusters.proxies()).toEqual(['1-24-3']);
    expect(new Set(clusters.writes).size).toBe(clusters.writes.length);
    expect(clusters.writes).toHaveLength(9);
    const steps = await store.listSteps(id);
    expect(steps.every(s => s.status === 'done' && s.attempts === 1)).toBe(
      true,
    );
    const versions = signals.published
      .filter(s => s.channel === `service-mesh:upgrade:${id}`)
      .map(s => s.message.version as number);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions.at(-1)).toBe((await store.get(id)).version);
    expect(
      signals.published.filter(s => s.channel === 'service-mesh:upgrades'),
    ).toHaveLength(versions.length);
    // Finished: the claim is let go.
    expect((await store.get(id)).claim).toBeUndefined();
  });

  const deaths: Array<[number, 'before' | 'after']> = [
    1, 2, 3, 4, 5, 6, 7, 8, 9,
  ].flatMap(write => [
    [write, 'after'],
    [write, 'before'],
  ]);

  it.each(deaths)(
    'resumes after dying in write %i (%s making it), before recording it: nothing written twice, nothing skipped',
    async (write, when) => {
      const { id } = await service.create(request, 'user:default/guest');
      clusters.dieIn = { write, when };
      const first = runner('first', 200);
      // The first instance hangs in its write, as a killed process would.
      void runUntilSettled(first, id);
      await waitFor(
        () => clusters.writes.length === (when === 'after' ? write : write - 1),
      );
      await new Promise(resolve => setTimeout(resolve, 20));
      const stuck = (await store.listSteps(id)).filter(
        s => s.status === 'started',
      );
      expect(stuck).toHaveLength(1);

      // Another instance takes over once the lease expires, not before.
      const second = runner('second', 200);
      await second.runOnce();
      expect((await store.get(id)).claim?.instanceId).toBe('first');
      await new Promise(resolve => setTimeout(resolve, 250));
      expect(await runUntilSettled(second, id)).toBe('Succeeded');

      expect(clusters.writes).toHaveLength(9);
      expect(new Set(clusters.writes).size).toBe(9);
      const resumed = (await store.listSteps(id)).find(
        s => s.stepKey === stuck[0].stepKey,
      )!;
      expect(resumed).toMatchObject({ status: 'done', attempts: 2 });
      // Made before the crash: found made, recorded without acting. Not
      // made: made once now, after re-reading its object.
      expect({
        result: resumed.result,
        rereads: clusters.rereads.length,
      }).toEqual(
        when === 'after'
          ? {
              result: {
                wrote: 'before an interruption; the cluster shows it made',
              },
              rereads: 0,
            }
          : { result: { wrote: true, attempts: 2 }, rereads: 1 },
      );
      expect((await store.listSteps(id)).every(s => s.status === 'done')).toBe(
        true,
      );
    },
  );

  it('pauses on a failed gate with a reason people understand, and goes on after a retry', async () => {
    clusters.unhealthy = ['ledger'];
    const { id } = await service.create(request, 'user:default/guest');
    expect(await runUntilSettled(runner('a'), id)).toBe('Paused');
    const paused = await service.get(id);
    expect(paused.reason).toMatch(
      /Batch 1 failed its gate: .*payments\/ledger: .*CrashLoopBackOff/,
    );
    const writes = clusters.writes.length;
    clock.time += 60_000;
    await runners[0].runOnce();
    expect(clusters.writes).toHaveLength(writes);

    clusters.unhealthy = [];
    await service.operate(
      id,
      { type: 'retry' },
      { actor: 'user:default/guest', cluster: 'dev' },
    );
    expect(await runUntilSettled(runners[0], id)).toBe('Succeeded');
    // The retry restarted ledger once more: a new step of attempt 2.
    expect(
      clusters.writes.filter(w => w === 'Deployment/payments/ledger'),
    ).toHaveLength(2);
  });

  it('leaves a paused upgrade alone and releases its claims when stopped', async () => {
    const { id } = await service.create(request, 'user:default/guest');
    await service.operate(
      id,
      { type: 'pause' },
      { actor: 'user:default/guest', cluster: 'dev' },
    );
    const r = runner('a');
    await r.runOnce();
    expect(clusters.writes).toEqual([]);
    expect((await store.get(id)).claim?.instanceId).toBe('a');
    await r.stop();
    expect((await store.get(id)).claim).toBeUndefined();
  });

  it('loses a race with an operation and decides again from what it wrote', async () => {
    const { id } = await service.create(request, 'user:default/guest');
    const stale = await store.get(id);
    await service.operate(
      id,
      { type: 'abort' },
      { actor: 'user:default/guest', cluster: 'dev' },
    );
    await expect(
      recorder.save(stale, {
        state: { ...stale.state, phase: 'Running', reason: 'x' },
        events: [],
      }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await runner('a').runOnce();
    expect((await store.get(id)).phase).toBe('Aborted');
    expect(clusters.writes).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}
