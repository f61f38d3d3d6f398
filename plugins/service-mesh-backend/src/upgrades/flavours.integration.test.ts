import { TestDatabases } from '@backstage/backend-test-utils';
import {
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import type { Pod } from '../domain/kube';
import { isActivePod, podProxy } from '../domain/proxies';
import { DEFAULT_UPGRADE_OPTIONS, UpgradeRequest } from '../domain/upgrades';
import { startUpgrades, UpgradeHarness } from './__testUtils__/upgradeHarness';

jest.setTimeout(120_000);

const PODS = { group: '', plural: 'pods' };
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * The version-change flavours against their demo clusters: Sail changes
 * `Istio.spec.version` (RevisionBased) and waits for the new IstioRevision;
 * OSSM 2 changes the SMCP's version in place, then restarts the members.
 */
describe.each([
  {
    flavour: 'Sail',
    scenario: 'sail',
    request: {
      cluster: 'demo-sail',
      controlPlane: { namespace: 'istio-system' },
      fromRevision: 'default-v1-24-3',
      target: { type: 'version', version: 'v1.25.2' },
      // The demo's OpenShift has no istio-cni NetworkAttachmentDefinitions; its pods start anyway.
      force: ['cniNetworkAttachments'],
    },
    namespaces: ['customers', 'storefront'],
    proxy: 'default-v1-25-2/1.25.2',
    canary: 'customers',
    // customers still runs 1.23.6 proxies: a rollback leaves it on the from-revision.
    fromProxy: 'default-v1-24-3/1.24.3',
    broken: { namespace: 'customers', name: 'customer-api' },
  },
  {
    flavour: 'OSSM 2',
    scenario: 'ossm2',
    request: {
      cluster: 'demo-ossm2',
      controlPlane: { namespace: 'istio-system' },
      fromRevision: 'basic',
      target: { type: 'version', version: 'v2.6' },
    },
    namespaces: ['bookinfo', 'inventory', 'orders', 'payments'],
    proxy: 'basic/2.6.5',
    canary: 'bookinfo',
    fromProxy: 'basic/2.5.2',
    broken: { namespace: 'bookinfo', name: 'productpage-v1' },
  },
])(
  'upgrades on $flavour',
  ({ scenario, request, namespaces, proxy, canary, fromProxy, broken }) => {
    let demo: RunningDemo;
    let upgrades: UpgradeHarness;

    beforeEach(async () => {
      demo = await startDemoClusters([scenario]);
      upgrades = await startUpgrades(demo, databases);
    });

    afterEach(async () => {
      await upgrades?.stop();
      await demo?.close();
    });

    const proxies = () =>
      namespaces.flatMap(namespace =>
        (
          demo.clusters[request.cluster].api.list(PODS, {
            namespace,
          }) as unknown as Pod[]
        )
          .filter(isActivePod)
          .map(pod => {
            const found = podProxy(pod);
            return found ? `${found.revision}/${found.version}` : 'none';
          }),
      );

    const upgradeRequest = (
      options: Partial<UpgradeRequest['options']>,
    ): UpgradeRequest => {
      const { force, ...rest } = request;
      return {
        ...rest,
        options: {
          ...DEFAULT_UPGRADE_OPTIONS,
          readinessDeadlineSeconds: 60,
          ...(force ? { force } : {}),
          ...options,
        },
      } as UpgradeRequest;
    };
    const waitForPhase = (id: string, phase: string) =>
      waitUntil(async () => {
        const upgrade = await upgrades.service.get(id);
        if (
          upgrade.phase !== phase &&
          ['Paused', 'Failed'].includes(upgrade.phase)
        ) {
          throw new Error(`${upgrade.phase}: ${upgrade.reason}`);
        }
        return upgrade.phase === phase;
      }, 90_000);

    it('rolls back after the canary: the version back, every proxy on the from-revision', async () => {
      const before = new Set(proxies());
      const created = await upgrades.service.create(
        upgradeRequest({ canary: { namespaces: [canary] } }),
        'user:default/guest',
      );
      await waitForPhase(created.id, 'WaitingForPromotion');
      expect(new Set(proxies())).not.toEqual(before);
      await upgrades.service.operate(
        created.id,
        { type: 'rollback' },
        { actor: 'user:default/guest', cluster: request.cluster },
      );
      await waitForPhase(created.id, 'RolledBack');
      expect(new Set(proxies())).toEqual(new Set([fromProxy]));
    });

    const caller = { actor: 'user:default/guest', cluster: request.cluster };

    it('waits for promotion after the canary, pauses, resumes, and finishes once promoted', async () => {
      const created = await upgrades.service.create(
        upgradeRequest({ canary: { namespaces: [canary] } }),
        'user:default/guest',
      );
      await waitForPhase(created.id, 'WaitingForPromotion');
      const waiting = proxies();
      await upgrades.service.operate(created.id, { type: 'pause' }, caller);
      await waitForPhase(created.id, 'Paused');
      await new Promise(resolve => setTimeout(resolve, 500));
      // Nothing moves while paused.
      expect(proxies()).toEqual(waiting);
      await upgrades.service.operate(created.id, { type: 'resume' }, caller);
      await waitForPhase(created.id, 'WaitingForPromotion');
      await upgrades.service.operate(created.id, { type: 'promote' }, caller);
      await waitForPhase(created.id, 'Succeeded');
      expect(new Set(proxies())).toEqual(new Set([proxy]));
    });

    it('aborts after the canary, leaving every namespace as it stands', async () => {
      const created = await upgrades.service.create(
        upgradeRequest({ canary: { namespaces: [canary] } }),
        'user:default/guest',
      );
      await waitForPhase(created.id, 'WaitingForPromotion');
      const standing = proxies();
      await upgrades.service.operate(created.id, { type: 'abort' }, caller);
      await new Promise(resolve => setTimeout(resolve, 1_000));
      expect((await upgrades.service.get(created.id)).phase).toBe('Aborted');
      expect(proxies()).toEqual(standing);
      expect(standing).toContain(proxy);
      expect(new Set(standing)).not.toEqual(new Set([proxy]));
    });

    it('pauses on a failed gate with the reason, and goes on after a retry once the fault is cleared', async () => {
      const faults = demo.clusters[request.cluster].faults;
      faults.breakWorkload({ ...broken, mode: 'crashLoop' });
      const created = await upgrades.service.create(
        upgradeRequest({
          pauseAfterCanary: false,
          readinessDeadlineSeconds: 3,
        }),
        'user:default/guest',
      );
      await waitForPhase(created.id, 'Paused');
      const paused = await upgrades.service.get(created.id);
      expect(paused.reason).toMatch(
        new RegExp(
          `failed its gate: .*${broken.namespace}/${broken.name}: .*CrashLoopBackOff`,
        ),
      );
      expect(paused.batches.map(b => b.status)).toContain('failed');
      // Nothing moves while it waits for a person.
      const standing = proxies();
      await new Promise(resolve => setTimeout(resolve, 500));
      expect(proxies()).toEqual(standing);

      faults.healWorkload(broken);
      await upgrades.service.operate(created.id, { type: 'retry' }, caller);
      await waitForPhase(created.id, 'Succeeded');
      expect(new Set(proxies())).toEqual(new Set([proxy]));
      const types = (await upgrades.service.events(created.id)).map(
        e => e.type,
      );
      expect(types).toEqual(
        expect.arrayContaining(['BatchFailed', 'Retried', 'Succeeded']),
      );
    });

    it('changes the version, then moves every namespace: every running proxy on the target', async () => {
      const created = await upgrades.service.create(
        upgradeRequest({ pauseAfterCanary: false }),
        'user:default/guest',
      );
      await waitForPhase(created.id, 'Succeeded');
      expect(new Set(proxies())).toEqual(new Set([proxy]));
      const events = (await upgrades.service.events(created.id)).map(
        e => e.type,
      );
      expect(events).toEqual(
        expect.arrayContaining([
          'ControlPlaneUpdated',
          'BatchPassed',
          'Succeeded',
        ]),
      );
    });
  },
);
