import type { ClusterSnapshot } from '../snapshot';
import { podProxy } from '../proxies';
import { applyOperation as operate, createUpgradeState } from './machine';
import { planUpgrade } from './planner';
import { advanceUpgrade, recordStepFailure } from './progress';
import { nextSteps } from './steps';
import type {
  UpgradeEvent,
  UpgradeOperation,
  UpgradeRequest,
  UpgradeState,
} from './types';
import {
  applyOperation as write,
  rollPods,
  upstreamRequest,
  upstreamScenario,
} from './__fixtures__/scenarios';

/*
 * A runner on plain data: advance, take the next steps, make the writes
 * against the snapshot (which the fixture's controllers then reconcile),
 * and count every write by step key.
 */
class Simulation {
  clock = new Date('2025-03-01T10:00:00Z').getTime();
  events: UpgradeEvent[] = [];
  writes = new Map<string, number>();
  unhealthy: string[] = [];
  maxRunning = 0;
  state: UpgradeState;

  constructor(readonly snapshot: ClusterSnapshot, request: UpgradeRequest) {
    const outcome = planUpgrade(snapshot, request);
    if (!outcome.ok) {
      throw new Error(outcome.message);
    }
    this.state = createUpgradeState(
      'u1',
      request,
      outcome.plan,
      this.now(),
    ).state;
  }

  now() {
    return new Date(this.clock);
  }

  operate(operation: UpgradeOperation) {
    const result = operate(this.state, operation, { now: this.now() });
    if (!result.ok) {
      throw new Error(result.message);
    }
    this.state = result.state;
    this.events.push(...result.events);
  }

  advance() {
    const result = advanceUpgrade(this.state, this.snapshot, this.now());
    if (!result.ok) {
      throw new Error(result.message);
    }
    this.state = result.state;
    const running = this.state.batches.filter(b => b.status === 'running');
    this.maxRunning = Math.max(this.maxRunning, running.length);
    this.events.push(...result.events);
  }

  /** One write, as a runner that crashes right after it would leave things. */
  writeOne(): boolean {
    const step = nextSteps(this.state, this.snapshot).find(
      s => 'operation' in s && s.operation,
    );
    if (!step || !('operation' in step) || !step.operation) {
      return false;
    }
    write(this.snapshot, step.operation);
    this.writes.set(step.key, (this.writes.get(step.key) ?? 0) + 1);
    return true;
  }

  /** Runs until nothing is left to write and the phase stops changing. */
  run(limit = 200) {
    for (let i = 0; i < limit; i++) {
      this.clock += 1000;
      this.advance();
      const wrote = this.writeOne();
      rollPods(this.snapshot, { unhealthy: this.unhealthy });
      if (
        !wrote &&
        nextSteps(this.state, this.snapshot).every(
          s => s.type === 'waitForGate',
        ) &&
        !['Running', 'RollingBack'].includes(this.state.phase)
      ) {
        return;
      }
      if (!wrote && nextSteps(this.state, this.snapshot).length === 0) {
        return;
      }
    }
  }

  proxies() {
    return this.snapshot.pods
      .map(p => `${p.metadata.namespace}:${podProxy(p)?.revision}`)
      .sort();
  }
}

const fullRequest = upstreamRequest({
  canary: { namespaces: ['payments'] },
  moveTags: ['prod-stable', 'default'],
  movePinnedNamespaces: true,
  batchSize: 2,
  readinessDeadlineSeconds: 60,
});

describe('running an upgrade step by step', () => {
  it('goes from start to Succeeded, pausing for promotion after the canary', () => {
    const sim = new Simulation(upstreamScenario().snapshot, fullRequest);
    expect(nextSteps(sim.state, sim.snapshot)).toEqual([]);
    sim.operate({ type: 'start' });
    sim.run();
    expect(sim.state.phase).toBe('WaitingForPromotion');
    expect(
      sim.state.namespaces.find(n => n.namespace === 'payments')?.status,
    ).toBe('done');
    expect(
      sim.state.namespaces.filter(n => n.status === 'pending'),
    ).toHaveLength(4);
    sim.operate({ type: 'promote' });
    sim.run();
    expect(sim.state.phase).toBe('Succeeded');
    expect(sim.state.reason).toBe('1-23-1 is unused: safe to remove');
    expect(sim.events.map(e => e.type)).toContain('RevisionUnused');
    expect(new Set(sim.proxies().map(p => p.split(':')[1]))).toEqual(
      new Set(['1-24-3']),
    );
    // Every write happened once: no namespace relabelled twice, no workload restarted twice.
    expect([...sim.writes.values()].every(count => count === 1)).toBe(true);
    expect([...sim.writes.keys()].sort()).toEqual([
      'relabel:legacy',
      'relabel:payments',
      'restart:checkout/Deployment/checkout-api@1',
      'restart:legacy/Deployment/mainframe@1',
      'restart:payments/Deployment/ledger@1',
      'restart:shop/Deployment/cart@1',
      'restart:web/Deployment/frontend@1',
      'tag:default',
      'tag:prod-stable',
    ]);
    const labels = Object.fromEntries(
      sim.snapshot.namespaces.map(n => [n.metadata.name, n.metadata.labels]),
    );
    expect(labels.checkout).toEqual({ 'istio.io/rev': 'prod-stable' });
    expect(labels.web).toEqual({ 'istio-injection': 'enabled' });
    expect(labels.legacy).toEqual({ 'istio.io/rev': '1-24-3' });
  });

  it('runs as many batches at once as asked, a batch waiting for its tag even with a slot free', () => {
    const sim = new Simulation(upstreamScenario().snapshot, {
      ...fullRequest,
      options: {
        ...fullRequest.options,
        canary: undefined,
        batchSize: 1,
        parallelism: 2,
      },
    });
    sim.operate({ type: 'start' });
    sim.advance();
    // legacy runs; checkout follows prod-stable, which must move first.
    expect(sim.state.batches.map(b => b.status)).toEqual([
      'running',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(nextSteps(sim.state, sim.snapshot).map(s => s.key)).toEqual([
      'relabel:legacy',
      'gate:0@1',
      'tag:prod-stable',
    ]);
    sim.run();
    expect(sim.state.phase).toBe('Succeeded');
    expect(sim.maxRunning).toBe(2);
  });

  it('pauses and resumes, the deadline counting running time only', () => {
    const sim = new Simulation(upstreamScenario().snapshot, fullRequest);
    sim.operate({ type: 'start' });
    sim.advance();
    sim.operate({ type: 'pause', reason: 'lunch' });
    expect(sim.state).toMatchObject({ phase: 'Paused', reason: 'lunch' });
    expect(nextSteps(sim.state, sim.snapshot)).toEqual([]);
    sim.clock += 3600 * 1000;
    sim.advance();
    expect(sim.state.phase).toBe('Paused');
    sim.operate({ type: 'resume' });
    expect(sim.state.batches[0].startedAt).toBe(sim.now().toISOString());
    sim.run();
    expect(sim.state.phase).toBe('WaitingForPromotion');
    expect(sim.writes.get('relabel:payments')).toBe(1);
  });

  it('resumes after a crash between a write and its record without repeating it', () => {
    const sim = new Simulation(upstreamScenario().snapshot, fullRequest);
    sim.operate({ type: 'start' });
    sim.advance();
    const [relabel] = nextSteps(sim.state, sim.snapshot);
    expect(relabel).toMatchObject({
      key: 'relabel:payments',
      type: 'relabelNamespace',
    });
    sim.writeOne();
    // The runner died here; a new one reads the same state and a fresh snapshot.
    const [restart] = nextSteps(sim.state, sim.snapshot);
    expect(restart).toMatchObject({
      key: 'restart:payments/Deployment/ledger@1',
      type: 'restartWorkload',
    });
    sim.writeOne();
    const after = nextSteps(sim.state, sim.snapshot);
    expect(after.map(s => s.type)).toEqual(['waitForGate']);
    expect(after[0]).toMatchObject({ deadline: '2025-03-01T10:01:00.000Z' });
  });

  it('pauses on a failed gate with the reason, then passes on retry once the fault is gone', () => {
    const sim = new Simulation(upstreamScenario().snapshot, {
      ...fullRequest,
      options: { ...fullRequest.options, pauseAfterCanary: false },
    });
    sim.unhealthy = ['checkout-api'];
    sim.operate({ type: 'start' });
    sim.run();
    expect(sim.state.phase).toBe('Paused');
    expect(sim.state.reason).toMatch(
      /^Batch 3 failed its gate: checkout\/checkout-api: 3 of 3 pods not Ready after \d+ s \(CrashLoopBackOff\) - pods (checkout-api-\S+-\d(, |$)){3}/,
    );
    const checkout = () =>
      sim.state.namespaces.find(n => n.namespace === 'checkout');
    expect(checkout()?.status).toBe('failed');
    expect(checkout()?.failedPods).toEqual({
      names: [
        expect.stringMatching(/^checkout-api-/),
        expect.stringMatching(/^checkout-api-/),
        expect.stringMatching(/^checkout-api-/),
      ],
      total: 3,
    });
    expect(nextSteps(sim.state, sim.snapshot)).toEqual([]);
    sim.unhealthy = [];
    sim.operate({ type: 'retry' });
    expect(checkout()?.failedPods).toBeUndefined();
    sim.run();
    expect(sim.state.phase).toBe('Succeeded');
    expect(sim.writes.get('restart:checkout/Deployment/checkout-api@1')).toBe(
      1,
    );
    expect(sim.writes.get('restart:checkout/Deployment/checkout-api@2')).toBe(
      1,
    );
  });

  it('rolls back to exactly the previous labels, tags and proxies', () => {
    const { snapshot } = upstreamScenario();
    const before = structuredClone(
      snapshot.namespaces.map(n => [n.metadata.name, n.metadata.labels]),
    );
    const sim = new Simulation(snapshot, {
      ...fullRequest,
      options: {
        ...fullRequest.options,
        pauseAfterCanary: false,
        parallelism: 1,
      },
    });
    sim.operate({ type: 'start' });
    // Until the tag moved and the checkout batch restarted, then roll back.
    while (!sim.writes.has('restart:checkout/Deployment/checkout-api@1')) {
      sim.clock += 1000;
      sim.advance();
      sim.writeOne();
      rollPods(sim.snapshot);
    }
    expect(sim.state.namespaces.some(n => n.touched)).toBe(true);
    sim.operate({ type: 'rollback' });
    sim.run();
    expect(sim.state.phase).toBe('RolledBack');
    expect(
      sim.snapshot.namespaces.map(n => [n.metadata.name, n.metadata.labels]),
    ).toEqual(before);
    expect(new Set(sim.proxies().map(p => p.split(':')[1]))).toEqual(
      new Set(['1-23-1']),
    );
    expect([...sim.writes.values()].every(count => count === 1)).toBe(true);
  });

  it('moves back a tag whose move was written just before a crash', () => {
    const sim = new Simulation(upstreamScenario().snapshot, {
      ...fullRequest,
      options: { ...fullRequest.options, canary: { tag: 'prod-stable' } },
    });
    sim.operate({ type: 'start' });
    sim.advance();
    expect(nextSteps(sim.state, sim.snapshot)[0]).toMatchObject({
      key: 'tag:prod-stable',
    });
    sim.writeOne();
    sim.operate({ type: 'rollback' });
    expect(nextSteps(sim.state, sim.snapshot)).toEqual([
      expect.objectContaining({
        key: 'rollback-tag:prod-stable',
        toRevision: '1-23-1',
      }),
    ]);
    sim.run();
    expect(sim.state.phase).toBe('RolledBack');
    expect(sim.writes.get('rollback-tag:prod-stable')).toBe(1);
  });

  it('leaves every namespace as it stands on abort', () => {
    const sim = new Simulation(upstreamScenario().snapshot, fullRequest);
    sim.operate({ type: 'start' });
    sim.run();
    const labels = structuredClone(sim.snapshot.namespaces);
    sim.operate({ type: 'abort', reason: 'change freeze' });
    expect(nextSteps(sim.state, sim.snapshot)).toEqual([]);
    sim.run();
    expect(sim.state).toMatchObject({
      phase: 'Aborted',
      reason: 'change freeze',
    });
    expect(sim.snapshot.namespaces).toEqual(labels);
  });

  it('fails a namespace whose labels someone else changed, and a failed write pauses', () => {
    const sim = new Simulation(upstreamScenario().snapshot, fullRequest);
    sim.snapshot.namespaces.find(
      n => n.metadata.name === 'payments',
    )!.metadata.labels = { 'istio.io/rev': 'other' };
    sim.operate({ type: 'start' });
    sim.advance();
    sim.advance();
    expect(
      sim.state.namespaces.find(n => n.namespace === 'payments'),
    ).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining(
        "payments's labels changed since the plan",
      ),
    });
    const failed = recordStepFailure(
      { ...sim.state, phase: 'Running' },
      {
        key: 'restart:checkout/Deployment/checkout-api@1',
        namespace: 'checkout',
      },
      'forbidden',
      sim.now(),
    );
    expect(failed).toMatchObject({
      ok: true,
      state: { phase: 'Paused', resumePhase: 'Running' },
    });
  });
});
