import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { persistenceTestDatabaseIds } from '../__testUtils__/testDatabases';
import { DatabaseUpgradeStore, migrationsDir } from './DatabaseUpgradeStore';
import { NewUpgrade } from './UpgradeStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: persistenceTestDatabaseIds() });

/** One clock for every instance, moved by the test rather than by waiting. */
class TestClock {
  private time = Date.parse('2026-12-02T06:00:00.000Z');
  readonly now = () => new Date(this.time);
  advance(ms: number) {
    this.time += ms;
  }
}

const LEASE_MS = 30_000;

function newUpgrade(overrides: Partial<NewUpgrade> = {}): NewUpgrade {
  return {
    cluster: 'prod-eu',
    controlPlane: 'istio-system/default',
    fromRevision: '1-23-1',
    target: '1-24-0',
    phase: 'Running',
    spec: { batchSize: 25, canaryNamespaces: ['checkout'] },
    plan: { batches: [['checkout'], ['payments', 'orders']] },
    state: { batch: 0 },
    createdBy: 'user:default/guest',
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseUpgradeStore on %s',
  (databaseId: TestDatabaseId) => {
    const extraClients: Knex[] = [];
    afterAll(async () => {
      await Promise.all(extraClients.map(client => client.destroy()));
    });

    async function setUp() {
      const knex = await databases.init(databaseId);
      const clock = new TestClock();
      const store = await DatabaseUpgradeStore.create({
        database: mockServices.database({ knex }),
        now: clock.now,
      });
      /**
       * Another backend instance on the same database: its own connection
       * pool (an in-memory SQLite database lives in its one connection).
       */
      const otherInstance = async () => {
        let client = knex;
        if (databaseId !== 'SQLITE_3') {
          client = knexFactory(knex.client.config);
          extraClients.push(client);
        }
        return DatabaseUpgradeStore.create({
          database: mockServices.database({ knex: client }),
          skipMigrations: true,
          now: clock.now,
        });
      };
      return { knex, clock, store, otherInstance };
    }

    it('migrates up and down', async () => {
      const { knex } = await setUp();
      const tables = ['upgrades', 'upgrade_steps', 'upgrade_events'];
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      for (const table of tables) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('upgrades')).toBe(true);
    });

    it('creates, gets and lists upgrades, newest first', async () => {
      const { store, clock } = await setUp();
      const first = await store.create(newUpgrade());
      clock.advance(1000);
      const second = await store.create(
        newUpgrade({ cluster: 'prod-us', target: '1-24-1' }),
      );

      expect(await store.get(first.id)).toEqual({
        ...newUpgrade(),
        id: first.id,
        active: true,
        createdAt: '2026-12-02T06:00:00.000Z',
        updatedAt: '2026-12-02T06:00:00.000Z',
        version: 1,
        claim: undefined,
      });
      expect((await store.list()).map(u => u.id)).toEqual([
        second.id,
        first.id,
      ]);
      expect(
        (await store.list({ cluster: 'prod-us' })).map(u => u.target),
      ).toEqual(['1-24-1']);
      await expect(
        store.get('9b0a3a3e-0000-4000-8000-000000000000'),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('refuses a second active upgrade of a control plane', async () => {
      const { store } = await setUp();
      const running = await store.create(newUpgrade());

      await expect(
        store.create(newUpgrade({ target: '1-25-0' })),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(running.id),
      });
      // Another control plane, or the same one on another cluster, is free.
      await store.create(newUpgrade({ controlPlane: 'istio-system/canary' }));
      await store.create(newUpgrade({ cluster: 'prod-us' }));

      // A planned upgrade does not hold the control plane until it starts.
      const planned = await store.create(
        newUpgrade({ target: '1-25-0', phase: 'Planned' }),
      );
      expect(planned.active).toBe(false);
      await expect(
        store.update({ id: planned.id, expectedVersion: 1, phase: 'Running' }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(running.id),
      });
      expect(await store.get(planned.id)).toMatchObject({
        phase: 'Planned',
        version: 1,
      });

      const aborted = await store.update({
        id: running.id,
        expectedVersion: 1,
        phase: 'Aborted',
      });
      expect(aborted.active).toBe(false);
      const started = await store.update({
        id: planned.id,
        expectedVersion: 1,
        phase: 'Running',
      });
      expect(started.active).toBe(true);
      // Rolling back the aborted upgrade would make it active again.
      await expect(
        store.update({
          id: running.id,
          expectedVersion: 2,
          phase: 'RollingBack',
        }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(planned.id),
      });
      expect(
        (await store.list({ cluster: 'prod-eu', active: false })).map(
          u => u.id,
        ),
      ).toEqual([running.id]);
    });

    it('lets only one of two instances create an upgrade of a control plane at once', async () => {
      const { store, otherInstance } = await setUp();
      const other = await otherInstance();

      const results = await Promise.allSettled([
        store.create(newUpgrade()),
        other.create(newUpgrade({ target: '1-25-0' })),
      ]);

      expect(results.map(r => r.status).sort()).toEqual([
        'fulfilled',
        'rejected',
      ]);
      expect(results.find(r => r.status === 'rejected')).toMatchObject({
        reason: { name: 'ConflictError' },
      });
      expect(await store.list({ active: true })).toHaveLength(1);
    });

    it('updates only from the version the change was computed from', async () => {
      const { store, clock } = await setUp();
      const created = await store.create(newUpgrade());
      clock.advance(5000);

      const paused = await store.update({
        id: created.id,
        expectedVersion: 1,
        phase: 'Paused',
        state: { batch: 1, reason: 'gate failed' },
      });
      expect(paused).toMatchObject({
        version: 2,
        phase: 'Paused',
        state: { batch: 1, reason: 'gate failed' },
        plan: created.plan,
        active: true,
        updatedAt: '2026-12-02T06:00:05.000Z',
      });

      await expect(
        store.update({ id: created.id, expectedVersion: 1, phase: 'Running' }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining('version 2, not 1'),
      });
      expect(await store.get(created.id)).toEqual(paused);
      await expect(
        store.update({
          id: '9b0a3a3e-0000-4000-8000-000000000000',
          expectedVersion: 1,
        }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('records each step before and after it acts, and never runs a done step again', async () => {
      const { store, clock } = await setUp();
      const { id: upgradeId } = await store.create(newUpgrade());
      await store.claim({
        upgradeId,
        instanceId: 'backend-a',
        leaseMs: LEASE_MS,
      });
      const step = { upgradeId, instanceId: 'backend-a' };

      const relabel = { ...step, stepKey: 'batch-0/checkout/relabel' };
      expect(await store.recordStepStarted(relabel)).toMatchObject({
        status: 'started',
        attempts: 1,
      });
      clock.advance(200);
      expect(
        await store.recordStepDone({ ...relabel, result: { patched: true } }),
      ).toMatchObject({
        status: 'done',
        attempts: 1,
        startedAt: '2026-12-02T06:00:00.000Z',
        finishedAt: '2026-12-02T06:00:00.200Z',
        result: { patched: true },
      });
      // Resumed after a restart: the done step is reported done, with its first result.
      expect(await store.recordStepStarted(relabel)).toMatchObject({
        status: 'done',
        attempts: 1,
        result: { patched: true },
      });
      expect(
        await store.recordStepDone({ ...relabel, result: { patched: false } }),
      ).toMatchObject({ result: { patched: true } });

      // Interrupted before it was recorded done: the next attempt is told so.
      const restart = { ...step, stepKey: 'batch-0/checkout/restart' };
      await store.recordStepStarted(restart);
      expect(await store.recordStepStarted(restart)).toMatchObject({
        status: 'started',
        attempts: 2,
      });
      await store.recordStepFailed({
        ...restart,
        result: { reason: 'timeout' },
      });
      expect(await store.recordStepStarted(restart)).toMatchObject({
        status: 'started',
        attempts: 3,
        result: undefined,
        finishedAt: undefined,
      });

      await expect(
        store.recordStepDone({ ...step, stepKey: 'batch-0/orders/relabel' }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(
        (await store.listSteps(upgradeId)).map(s => [s.stepKey, s.status]),
      ).toEqual([
        ['batch-0/checkout/relabel', 'done'],
        ['batch-0/checkout/restart', 'started'],
      ]);
    });

    it('keeps the event history in the order it was appended', async () => {
      const { store, clock } = await setUp();
      const { id: upgradeId } = await store.create(newUpgrade());
      const other = await store.create(newUpgrade({ cluster: 'prod-us' }));
      const types = ['Created', 'BatchStarted', 'GateFailed', 'Paused'];
      for (const type of types) {
        clock.advance(10);
        await store.appendEvent({
          upgradeId,
          actor: 'user:default/guest',
          type,
          message: `${type} happened`,
          data: { type },
        });
        await store.appendEvent({
          upgradeId: other.id,
          actor: 'backend-a',
          type: 'Noise',
          message: 'another upgrade',
        });
      }

      const events = await store.listEvents(upgradeId);
      expect(events.map(e => e.type)).toEqual(types);
      expect(events[2]).toMatchObject({
        upgradeId,
        actor: 'user:default/guest',
        message: 'GateFailed happened',
        data: { type: 'GateFailed' },
        at: '2026-12-02T06:00:00.030Z',
      });
      expect(
        (await store.listEvents(upgradeId, { afterId: events[1].id })).map(
          e => e.type,
        ),
      ).toEqual(['GateFailed', 'Paused']);
      expect((await store.listEvents(other.id))[0].data).toBeUndefined();
    });

    it('lets one instance hold an upgrade until its lease expires, then another takes it over', async () => {
      const { store: a, clock, otherInstance } = await setUp();
      const b = await otherInstance();
      const { id: upgradeId } = await a.create(newUpgrade());
      const lease = { upgradeId, leaseMs: LEASE_MS };

      expect(
        await a.claim({ instanceId: 'backend-a', leaseMs: LEASE_MS }),
      ).toMatchObject({
        id: upgradeId,
        claim: {
          instanceId: 'backend-a',
          leaseExpiresAt: '2026-12-02T06:00:30.000Z',
        },
      });
      expect(
        await b.claim({ instanceId: 'backend-b', leaseMs: LEASE_MS }),
      ).toBeUndefined();
      expect(
        await b.claim({ ...lease, instanceId: 'backend-b' }),
      ).toBeUndefined();

      // Renewed every 20 s, the lease outlives the 30 s it started with.
      clock.advance(20_000);
      expect(await a.renew({ ...lease, instanceId: 'backend-a' })).toBe(true);
      clock.advance(20_000);
      expect(
        await b.claim({ ...lease, instanceId: 'backend-b' }),
      ).toBeUndefined();
      await a.recordStepStarted({
        upgradeId,
        instanceId: 'backend-a',
        stepKey: 's1',
      });

      // backend-a stops renewing: once the lease expires, backend-b takes over.
      clock.advance(LEASE_MS);
      expect(
        await b.claim({ instanceId: 'backend-b', leaseMs: LEASE_MS }),
      ).toMatchObject({ id: upgradeId, claim: { instanceId: 'backend-b' } });
      expect(await a.renew({ ...lease, instanceId: 'backend-a' })).toBe(false);
      await expect(
        a.recordStepDone({ upgradeId, instanceId: 'backend-a', stepKey: 's1' }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(
        await b.recordStepStarted({
          upgradeId,
          instanceId: 'backend-b',
          stepKey: 's1',
        }),
      ).toMatchObject({ status: 'started', attempts: 2 });

      // Released, it is free again at once.
      await a.release({ upgradeId, instanceId: 'backend-a' });
      expect((await a.get(upgradeId)).claim?.instanceId).toBe('backend-b');
      await b.release({ upgradeId, instanceId: 'backend-b' });
      expect(
        await a.claim({ ...lease, instanceId: 'backend-a' }),
      ).toMatchObject({
        claim: { instanceId: 'backend-a' },
      });
    });

    it('hands out only upgrades in an active phase', async () => {
      const { store } = await setUp();
      const { id: aborted } = await store.create(newUpgrade());
      await store.update({ id: aborted, expectedVersion: 1, phase: 'Aborted' });
      const { id: planned } = await store.create(
        newUpgrade({ cluster: 'prod-us', phase: 'Planned' }),
      );
      const { id: paused } = await store.create(
        newUpgrade({ cluster: 'prod-ap', phase: 'Paused' }),
      );
      const claim = { instanceId: 'backend-a', leaseMs: LEASE_MS };

      for (const upgradeId of [aborted, planned]) {
        expect(await store.claim({ ...claim, upgradeId })).toBeUndefined();
      }
      expect(await store.claim(claim)).toMatchObject({ id: paused });
      expect(await store.claim(claim)).toBeUndefined();
    });

    it('gives each upgrade to exactly one of two instances claiming at once', async () => {
      const { store: a, clock, otherInstance } = await setUp();
      const b = await otherInstance();
      const ids = new Set<string>();
      for (const cluster of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
        ids.add((await a.create(newUpgrade({ cluster }))).id);
        clock.advance(1);
      }
      await b.list();

      const claimAll = async (
        store: DatabaseUpgradeStore,
        instanceId: string,
      ) => {
        const claimed: string[] = [];
        for (;;) {
          const upgrade = await store.claim({ instanceId, leaseMs: LEASE_MS });
          if (!upgrade) return claimed;
          claimed.push(upgrade.id);
        }
      };
      const [byA, byB] = await Promise.all([
        claimAll(a, 'backend-a'),
        claimAll(b, 'backend-b'),
      ]);

      expect([...byA, ...byB].sort()).toEqual([...ids].sort());
      for (const upgrade of await a.list()) {
        const holder = byA.includes(upgrade.id) ? 'backend-a' : 'backend-b';
        expect(upgrade.claim?.instanceId).toBe(holder);
      }
    });

    it('gives one upgrade to exactly one of two instances asking for it by id', async () => {
      const { store: a, otherInstance } = await setUp();
      const b = await otherInstance();
      // Both connection pools open first, so that the claims do race.
      await Promise.all([a.list(), b.list()]);

      for (const cluster of ['c1', 'c2', 'c3', 'c4', 'c5']) {
        const { id: upgradeId } = await a.create(newUpgrade({ cluster }));
        const [byA, byB] = await Promise.all([
          a.claim({ upgradeId, instanceId: 'backend-a', leaseMs: LEASE_MS }),
          b.claim({ upgradeId, instanceId: 'backend-b', leaseMs: LEASE_MS }),
        ]);

        const winners = [byA, byB].filter(Boolean);
        expect(winners).toHaveLength(1);
        expect((await a.get(upgradeId)).claim?.instanceId).toBe(
          winners[0]!.claim!.instanceId,
        );
      }
    });
  },
);
