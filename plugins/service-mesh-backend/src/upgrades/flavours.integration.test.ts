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
  },
])('upgrades on $flavour', ({ scenario, request, namespaces, proxy }) => {
  let demo: RunningDemo;
  let upgrades: UpgradeHarness;

  beforeAll(async () => {
    demo = await startDemoClusters([scenario]);
    upgrades = await startUpgrades(demo, databases);
  });

  afterAll(async () => {
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

  it('changes the version, then moves every namespace: every running proxy on the target', async () => {
    const { force, ...rest } = request;
    const upgradeRequest = {
      ...rest,
      options: {
        ...DEFAULT_UPGRADE_OPTIONS,
        pauseAfterCanary: false,
        readinessDeadlineSeconds: 60,
        ...(force ? { force } : {}),
      },
    } as UpgradeRequest;
    const created = await upgrades.service.create(
      upgradeRequest,
      'user:default/guest',
    );
    await waitUntil(async () => {
      const { phase } = await upgrades.service.get(created.id);
      if (['Paused', 'Failed'].includes(phase)) {
        throw new Error(
          `${phase}: ${(await upgrades.service.get(created.id)).reason}`,
        );
      }
      return phase === 'Succeeded';
    }, 90_000);
    expect(new Set(proxies())).toEqual(new Set([proxy]));
    const events = (await upgrades.service.events(created.id)).map(e => e.type);
    expect(events).toEqual(
      expect.arrayContaining([
        'ControlPlaneUpdated',
        'BatchPassed',
        'Succeeded',
      ]),
    );
  });
});
