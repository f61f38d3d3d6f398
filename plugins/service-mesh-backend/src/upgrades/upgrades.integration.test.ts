import { TestDatabases } from '@backstage/backend-test-utils';
import {
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import { DEFAULT_UPGRADE_OPTIONS, UpgradeRequest } from '../domain/upgrades';
import { isActivePod, podProxy } from '../domain/proxies';
import type { Pod } from '../domain/kube';
import { startUpgrades, UpgradeHarness } from './__testUtils__/upgradeHarness';
import {
  UPGRADES_CHANNEL,
  upgradeChannel,
} from '@mesh-backstage/plugin-service-mesh-common';

jest.setTimeout(120_000);

const CLUSTER = 'demo-istio-revisions';
const NAMESPACES = { group: '', plural: 'namespaces' };
const PODS = { group: '', plural: 'pods' };
const REPLICA_SETS = { group: 'apps', plural: 'replicasets' };
const WEBHOOKS = {
  group: 'admissionregistration.k8s.io',
  plural: 'mutatingwebhookconfigurations',
};
const MOVED = ['catalog', 'search'];
const ACTOR = 'user:default/guest';

/** The sorted proxies of the moved namespaces' two pods each, as `proxies()` lists them. */
const podsOn = (catalog: string, search: string) => [
  `catalog:${catalog}`,
  `catalog:${catalog}`,
  `search:${search}`,
  `search:${search}`,
];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * Upstream Istio 1-23-1 → 1-24-3 on the istio-revisions demo cluster:
 * `catalog` is the canary (relabelled from the prod-stable tag to the
 * revision), `search` follows the `default` tag (it also carries a
 * prod-canary label, IST0123, which the test forces past), then
 * prod-stable moves at the end.
 */
function request(options: Partial<UpgradeRequest['options']> = {}) {
  return {
    cluster: CLUSTER,
    controlPlane: { namespace: 'istio-system' },
    fromRevision: '1-23-1',
    target: { type: 'revision' as const, revision: '1-24-3' },
    options: {
      ...DEFAULT_UPGRADE_OPTIONS,
      canary: { namespaces: ['catalog'] },
      batchSize: 1,
      readinessDeadlineSeconds: 60,
      moveTags: ['prod-stable', 'default'],
      force: ['conflictingLabels' as const],
      ...options,
    },
  };
}

describe('upgrades on upstream Istio (istio-revisions)', () => {
  let demo: RunningDemo;
  let upgrades: UpgradeHarness;

  const api = () => demo.clusters[CLUSTER].api;
  const labels = () =>
    Object.fromEntries(
      api()
        .list(NAMESPACES)
        .map((ns: any) => [ns.metadata.name, ns.metadata.labels ?? {}]),
    );
  /** The revision of every running pod's proxy in the moved namespaces. */
  const proxies = () =>
    MOVED.flatMap(namespace =>
      (api().list(PODS, { namespace }) as unknown as Pod[])
        .filter(isActivePod)
        .map(pod => `${namespace}:${podProxy(pod)?.revision}`),
    ).sort();
  const tagRevision = (tag: string) =>
    (api().get(WEBHOOKS, undefined, `istio-revision-tag-${tag}`) as any)
      .metadata.labels['istio.io/rev'];
  /** ReplicaSets per Deployment: one more for every restart. */
  const replicaSets = () =>
    MOVED.map(
      namespace =>
        `${namespace}:${api().list(REPLICA_SETS, { namespace }).length}`,
    );
  const phaseOf = async (id: string) => (await upgrades.service.get(id)).phase;
  /** Waits for a phase; on timeout, fails with where the upgrade got stuck. */
  const waitForPhase = async (id: string, phase: string) => {
    try {
      await waitUntil(async () => (await phaseOf(id)) === phase, 60_000);
    } catch {
      const { batches, reason, version } = await upgrades.service.get(id);
      const events = await upgrades.service.events(id);
      throw new Error(
        `Not ${phase} in time: ${await phaseOf(
          id,
        )} (${reason}), version ${version}, batches ${JSON.stringify(
          batches,
        )}, last events ${JSON.stringify(
          events.slice(-5),
        )}, proxies ${proxies()}`,
      );
    }
  };

  beforeEach(async () => {
    demo = await startDemoClusters(['istio-revisions']);
    upgrades = await startUpgrades(demo, databases);
  });

  afterEach(async () => {
    await upgrades.stop();
    await demo.close();
  });

  it('plans as a dry run, writing nothing', async () => {
    const before = labels();
    const plan = upgrades.service.plan(request());
    expect(plan.batches.map(b => b.namespaces)).toEqual([
      ['catalog'],
      ['search'],
    ]);
    expect(
      plan.prechecks.find(p => p.name === 'conflictingLabels'),
    ).toMatchObject({ passed: false, forced: true, blocking: false });
    expect(await upgrades.service.list()).toEqual([]);
    expect(labels()).toEqual(before);
  });

  it('runs to Succeeded: every running proxy on the target, the tags moved, each workload restarted once', async () => {
    expect(replicaSets()).toEqual(['catalog:1', 'search:1']);
    const created = await upgrades.service.create(
      request({ pauseAfterCanary: false }),
      ACTOR,
    );
    expect(created.phase).toBe('Running');
    await waitForPhase(created.id, 'Succeeded');

    expect(proxies()).toEqual(podsOn('1-24-3', '1-24-3'));
    expect(tagRevision('prod-stable')).toBe('1-24-3');
    expect(tagRevision('default')).toBe('1-24-3');
    expect(labels().catalog).toMatchObject({ 'istio.io/rev': '1-24-3' });
    expect(replicaSets()).toEqual(['catalog:2', 'search:2']);

    const done = await upgrades.service.get(created.id);
    expect(done.reason).toBe('1-23-1 is unused: safe to remove');
    expect(done.pods).toEqual([
      { revision: '1-24-3', version: '1.24.3', pods: 4 },
    ]);
    expect(done.batches.map(b => b.status)).toEqual(['passed', 'passed']);
    const events = (await upgrades.service.events(created.id)).map(e => e.type);
    expect(events[0]).toBe('Created');
    expect(events).toEqual(
      expect.arrayContaining([
        'Started',
        'BatchPassed',
        'TagMoved',
        'RevisionUnused',
        'Succeeded',
      ]),
    );
    expect(upgrades.signals.channels()).toEqual(
      expect.arrayContaining([upgradeChannel(created.id), UPGRADES_CHANNEL]),
    );
    // The runner let go of the finished upgrade.
    expect((await upgrades.store.get(created.id)).claim).toBeUndefined();
  });

  it('refuses a second upgrade of the same control plane with 409, storing nothing', async () => {
    await upgrades.service.create(request(), ACTOR);
    await expect(
      upgrades.service.create(request(), ACTOR),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/already running/),
    });
    expect(await upgrades.service.list()).toHaveLength(1);
  });

  it('waits for promotion after the canary, pauses and resumes', async () => {
    const created = await upgrades.service.create(request(), ACTOR);
    await waitForPhase(created.id, 'WaitingForPromotion');
    expect(proxies()).toEqual(podsOn('1-24-3', '1-23-1'));
    const caller = { actor: ACTOR, cluster: CLUSTER };
    const paused = await upgrades.service.operate(
      created.id,
      { type: 'pause', reason: 'lunch' },
      caller,
    );
    expect(paused).toMatchObject({ phase: 'Paused', reason: 'lunch' });
    // Pausing again changes nothing; promoting a paused upgrade is refused.
    const again = await upgrades.service.operate(
      created.id,
      { type: 'pause' },
      caller,
    );
    expect(again.version).toBe(paused.version);
    await expect(
      upgrades.service.operate(created.id, { type: 'promote' }, caller),
    ).rejects.toMatchObject({ name: 'ConflictError' });

    const resumed = await upgrades.service.operate(
      created.id,
      { type: 'resume' },
      caller,
    );
    expect(resumed.phase).toBe('WaitingForPromotion');
    await upgrades.service.operate(created.id, { type: 'promote' }, caller);
    await waitForPhase(created.id, 'Succeeded');
    expect(proxies()).toEqual(podsOn('1-24-3', '1-24-3'));
    await expect(
      upgrades.service.operate(created.id, { type: 'resume' }, caller),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /Cannot resume an upgrade that is Succeeded/,
      ),
    });
    const actors = (await upgrades.service.events(created.id))
      .filter(e => ['Paused', 'Resumed', 'Promoted'].includes(e.type))
      .map(e => `${e.type}:${e.actor}`);
    expect(actors).toEqual([
      `Paused:${ACTOR}`,
      `Resumed:${ACTOR}`,
      `Promoted:${ACTOR}`,
    ]);
  });

  it('pauses on a failed gate with the reason, and goes on after a retry once the fault is cleared', async () => {
    demo.clusters[CLUSTER].faults.breakWorkload({
      namespace: 'catalog',
      name: 'catalog-service',
      mode: 'crashLoop',
    });
    const created = await upgrades.service.create(
      request({ pauseAfterCanary: false, readinessDeadlineSeconds: 3 }),
      ACTOR,
    );
    await waitForPhase(created.id, 'Paused');
    const paused = await upgrades.service.get(created.id);
    expect(paused.reason).toMatch(
      /^Batch 1 failed its gate: .*catalog\/catalog-service: .*CrashLoopBackOff/,
    );
    expect(paused.batches.map(b => b.status)).toEqual(['failed', 'pending']);
    // Nothing after the failed batch ran.
    expect(tagRevision('default')).toBe('1-23-1');
    expect(proxies().filter(p => p.startsWith('search:'))).toEqual([
      'search:1-23-1',
      'search:1-23-1',
    ]);
    const caller = { actor: ACTOR, cluster: CLUSTER };
    await expect(
      upgrades.service.operate(created.id, { type: 'resume' }, caller),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/retry it, or skip its failed namespaces/),
    });

    demo.clusters[CLUSTER].faults.healWorkload({
      namespace: 'catalog',
      name: 'catalog-service',
    });
    await upgrades.service.operate(created.id, { type: 'retry' }, caller);
    await waitForPhase(created.id, 'Succeeded');
    expect(proxies()).toEqual(podsOn('1-24-3', '1-24-3'));
    const types = (await upgrades.service.events(created.id)).map(e => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['BatchFailed', 'Retried', 'Succeeded']),
    );
  });

  it('aborts, leaving every namespace as it stands', async () => {
    const created = await upgrades.service.create(request(), ACTOR);
    await waitForPhase(created.id, 'WaitingForPromotion');
    const standing = labels();
    const aborted = await upgrades.service.operate(
      created.id,
      { type: 'abort', reason: 'change freeze' },
      { actor: ACTOR, cluster: CLUSTER },
    );
    expect(aborted.phase).toBe('Aborted');
    // Nothing moves after an abort, however long the runner looks.
    await new Promise(resolve => setTimeout(resolve, 1_000));
    expect(labels()).toEqual(standing);
    expect(tagRevision('default')).toBe('1-23-1');
    expect(proxies()).toEqual(podsOn('1-24-3', '1-23-1'));
    expect((await upgrades.store.get(created.id)).claim).toBeUndefined();
  });

  it('rolls back: every namespace labelled exactly as before and every pod on the old revision', async () => {
    const before = labels();
    const created = await upgrades.service.create(request(), ACTOR);
    await waitForPhase(created.id, 'WaitingForPromotion');
    expect(labels()).not.toEqual(before);
    await upgrades.service.operate(
      created.id,
      { type: 'rollback', reason: 'latency' },
      { actor: ACTOR, cluster: CLUSTER },
    );
    await waitForPhase(created.id, 'RolledBack');
    expect(labels()).toEqual(before);
    expect(proxies()).toEqual(podsOn('1-23-1', '1-23-1'));
    expect(tagRevision('prod-stable')).toBe('1-23-1');
    expect(tagRevision('default')).toBe('1-23-1');
    // Forward once, back once; search was never touched.
    expect(replicaSets()).toEqual(['catalog:3', 'search:1']);
  });

  it('refuses an operation that names another cluster, changing nothing', async () => {
    const created = await upgrades.service.create(request(), ACTOR);
    await expect(
      upgrades.service.operate(
        created.id,
        { type: 'pause' },
        { actor: ACTOR, cluster: 'demo-sail' },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/runs on cluster demo-istio-revisions/),
    });
    expect((await upgrades.service.get(created.id)).phase).not.toBe('Paused');
  });
});
