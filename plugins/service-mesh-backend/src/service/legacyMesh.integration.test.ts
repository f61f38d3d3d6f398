import { mockServices } from '@backstage/backend-test-utils';
import type { ServiceMeshActionName } from '@mesh-backstage/plugin-service-mesh-common';
import {
  component,
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import type { ClusterCacheChange } from '../kubernetes/ClusterCache';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';

/*
 * The control planes from before istiod, against the demo cluster's
 * `istio-1.0`, `maistra-0.9` and `ossm1` scenarios: status, every action dry-run
 * and real, the dead-injector guard, and the missing-webhook warning.
 */

jest.setTimeout(120_000);

const ISTIO = 'demo-istio-1.0';
const MAISTRA = 'demo-maistra-0.9';
const OSSM1 = 'demo-ossm1';
const SMMR = { group: 'maistra.io', plural: 'servicemeshmemberrolls' };
const NAMESPACES = { group: '', plural: 'namespaces' };
const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };
const WEBHOOKS = {
  group: 'admissionregistration.k8s.io',
  plural: 'mutatingwebhookconfigurations',
};

let demo: RunningDemo;
let service: DefaultServiceMeshService;

const labels = (cluster: string, name: string) =>
  demo.clusters[cluster].api.get(NAMESPACES, undefined, name)!.metadata
    .labels ?? {};

const templates = (cluster: string, namespace: string) =>
  demo.clusters[cluster].api
    .list(DEPLOYMENTS, { namespace })
    .map(d => (d as any).spec.template.metadata);

const namespaceStatus = async (entity: string, cluster: string) => {
  const status = await service.getStatus(component(entity));
  const found = status.clusters.find(c => c.name === cluster);
  return found!.namespaces[0];
};

function scaleInjector(cluster: string, replicas: number) {
  demo.clusters[cluster].api.patch(
    DEPLOYMENTS,
    'istio-system',
    'istio-sidecar-injector',
    'application/merge-patch+json',
    { spec: { replicas } },
  );
}

beforeAll(async () => {
  demo = await startDemoClusters(['istio-1.0', 'maistra-0.9', 'ossm1']);
  service = new DefaultServiceMeshService({
    clusters: demo.registry,
    logger: mockServices.logger.mock(),
  });
});

afterAll(async () => {
  await demo?.close();
});

describe('status of the layouts before istiod', () => {
  it('reports Istio 1.0 bookinfo in the mesh by its label, with 1.0.6 proxies and the add-on links', async () => {
    const ns = await namespaceStatus('bookinfo-legacy', ISTIO);
    expect(ns.controlPlane).toMatchObject({
      flavour: 'istioLegacy',
      namespace: 'istio-system',
      revisions: [{ name: 'default', version: '1.0.6', injectorReady: true }],
      tags: [],
    });
    expect(ns.membership).toEqual({ member: true, via: 'labels' });
    expect(ns.workloads.length).toBeGreaterThan(0);
    expect(ns.workloads.every(w => w.podsWithoutSidecar === 0)).toBe(true);
    expect(ns.workloads[0].proxies).toEqual([
      expect.objectContaining({ revision: 'default', version: '1.0.6' }),
    ]);
    expect(ns.links.servicegraph).toMatch(
      /^https?:\/\/servicegraph\..*\/force\/forcegraph\.html/,
    );
    expect(ns.links.grafana).toBeDefined();
    expect(ns.warnings.filter(w => w.severity === 'error')).toEqual([]);
  });

  it('reports Maistra 0.9 by its Installation, per-pod opt-in and the ignored namespace', async () => {
    const sleep = await namespaceStatus('sleep', MAISTRA);
    expect(sleep.controlPlane).toMatchObject({
      flavour: 'maistra0',
      name: 'istio-installation',
      namespace: 'istio-system',
    });
    expect(sleep.membership.member).toBe(false);
    expect(sleep.injection.perWorkload).toBe(true);
    expect(sleep.warnings.map(w => w.code)).toContain('IST0102');
    const httpbin = await namespaceStatus('httpbin-maistra', MAISTRA);
    expect(httpbin.membership).toEqual({ member: true, via: 'podOptIn' });
    expect(httpbin.workloads[0].podsWithSidecar).toBeGreaterThan(0);
    const batch = await namespaceStatus('batch-worker', MAISTRA);
    expect(batch.membership.member).toBe(false);
    expect(batch.workloads[0].podsWithSidecar).toBe(0);
  });
});

describe('status of OSSM 1', () => {
  it('reports the v1 control plane, its member roll and the 1.1 proxies', async () => {
    const bookinfo = await namespaceStatus('bookinfo-ossm1', OSSM1);
    expect(bookinfo.controlPlane).toMatchObject({
      flavour: 'ossm1',
      name: 'basic-install',
      revisions: [{ name: 'default', version: '1.1.18', ready: true }],
    });
    expect(bookinfo.membership).toMatchObject({
      member: true,
      via: 'memberRoll',
    });
    expect(bookinfo.injection.perWorkload).toBe(true);
    expect(bookinfo.workloads.every(w => w.podsWithoutSidecar === 0)).toBe(
      true,
    );
    const shop = await namespaceStatus('shop-ossm1', OSSM1);
    expect(shop.membership.member).toBe(false);
    expect(shop.warnings.map(w => w.code)).toContain('IST0102');
  });
});

const members = () =>
  (demo.clusters[OSSM1].api.get(SMMR, 'istio-system', 'default') as any).spec
    .members;

interface ActionCase {
  cluster: string;
  entity: string;
  namespace: string;
  action: ServiceMeshActionName;
  body?: Record<string, unknown>;
  check: () => void;
}

const cases: ActionCase[] = [
  {
    cluster: ISTIO,
    entity: 'ledger-legacy',
    namespace: 'ledger',
    action: 'enroll',
    check: () =>
      expect(labels(ISTIO, 'ledger')['istio-injection']).toBe('enabled'),
  },
  {
    cluster: ISTIO,
    entity: 'ledger-legacy',
    namespace: 'ledger',
    action: 'restart',
    check: () =>
      expect(
        templates(ISTIO, 'ledger').every(
          m => m.annotations?.['kubectl.kubernetes.io/restartedAt'],
        ),
      ).toBe(true),
  },
  {
    cluster: ISTIO,
    entity: 'ledger-legacy',
    namespace: 'ledger',
    action: 'setInjection',
    body: { injection: 'disabled' },
    check: () =>
      expect(labels(ISTIO, 'ledger')['istio-injection']).toBe('disabled'),
  },
  {
    cluster: ISTIO,
    entity: 'ledger-legacy',
    namespace: 'ledger',
    action: 'unenroll',
    check: () =>
      expect(labels(ISTIO, 'ledger')['istio-injection']).toBeUndefined(),
  },
  {
    cluster: MAISTRA,
    entity: 'sleep',
    namespace: 'sleep',
    action: 'enroll',
    check: () =>
      expect(
        templates(MAISTRA, 'sleep').map(
          m => m.annotations?.['sidecar.istio.io/inject'],
        ),
      ).toEqual(['true']),
  },
  {
    cluster: MAISTRA,
    entity: 'sleep',
    namespace: 'sleep',
    action: 'restart',
    check: () =>
      expect(
        templates(MAISTRA, 'sleep').every(
          m => m.annotations?.['kubectl.kubernetes.io/restartedAt'],
        ),
      ).toBe(true),
  },
  {
    cluster: MAISTRA,
    entity: 'batch-worker',
    namespace: 'legacy-batch',
    action: 'enroll',
    check: () =>
      expect(
        labels(MAISTRA, 'legacy-batch')['istio.openshift.com/ignore-namespace'],
      ).toBeUndefined(),
  },
  {
    cluster: MAISTRA,
    entity: 'batch-worker',
    namespace: 'legacy-batch',
    action: 'setInjection',
    body: { injection: 'disabled' },
    check: () =>
      expect(
        templates(MAISTRA, 'legacy-batch').map(
          m => m.annotations?.['sidecar.istio.io/inject'],
        ),
      ).toEqual(['false']),
  },
  {
    cluster: MAISTRA,
    entity: 'httpbin-maistra',
    namespace: 'httpbin',
    action: 'unenroll',
    check: () =>
      expect(
        templates(MAISTRA, 'httpbin').map(
          m => m.annotations?.['sidecar.istio.io/inject'],
        ),
      ).toEqual([undefined]),
  },
  {
    cluster: OSSM1,
    entity: 'shop-ossm1',
    namespace: 'shop',
    action: 'enroll',
    check: () => {
      expect(members()).toContain('shop');
      expect(
        templates(OSSM1, 'shop').map(
          m => m.annotations?.['sidecar.istio.io/inject'],
        ),
      ).toEqual(['true']);
    },
  },
  {
    cluster: OSSM1,
    entity: 'shop-ossm1',
    namespace: 'shop',
    action: 'restart',
    check: () =>
      expect(
        templates(OSSM1, 'shop').every(
          m => m.annotations?.['kubectl.kubernetes.io/restartedAt'],
        ),
      ).toBe(true),
  },
  {
    cluster: OSSM1,
    entity: 'shop-ossm1',
    namespace: 'shop',
    action: 'setInjection',
    body: { injection: 'disabled' },
    check: () =>
      expect(
        templates(OSSM1, 'shop').map(
          m => m.annotations?.['sidecar.istio.io/inject'],
        ),
      ).toEqual(['false']),
  },
  {
    cluster: OSSM1,
    entity: 'shop-ossm1',
    namespace: 'shop',
    action: 'unenroll',
    check: () => expect(members()).not.toContain('shop'),
  },
];

describe('every action, dry-run then real', () => {
  it.each(cases.map(c => [c.cluster, c.action, c.namespace, c] as const))(
    '%s: %s %s',
    async (_cluster, action, namespace, c) => {
      const api = demo.clusters[c.cluster].api;
      const request = { cluster: c.cluster, namespace, ...c.body };
      const entity = component(c.entity);
      const before = api.writeCount();
      const dryRun = await service.runAction(action, entity, {
        ...request,
        dryRun: true,
      });
      expect(dryRun.applied).toBe(false);
      expect(dryRun.change.operations.length).toBeGreaterThan(0);
      expect(api.writeCount()).toBe(before);
      const real = await service.runAction(action, entity, request);
      expect(real.applied).toBe(true);
      c.check();
    },
  );

  it('brings the enrolled sleep pods back with a sidecar from the Maistra injector', async () => {
    await waitUntil(async () => {
      const sleep = await namespaceStatus('sleep', MAISTRA);
      return (
        sleep.membership.member &&
        sleep.workloads.every(w => w.pods > 0 && w.podsWithoutSidecar === 0)
      );
    });
    const pods = demo.clusters[MAISTRA].api.list(
      { group: '', plural: 'pods' },
      { namespace: 'sleep' },
    );
    expect(
      pods.every(p =>
        (p as any).spec.containers.some((c: any) => c.name === 'istio-proxy'),
      ),
    ).toBe(true);
  });

  it('refuses to switch revisions, which these control planes do not have', async () => {
    const before = demo.clusters[ISTIO].api.writeCount();
    await expect(
      service.runAction('switchRevision', component('bookinfo-legacy'), {
        cluster: ISTIO,
        namespace: 'bookinfo',
        revision: 'canary',
        dryRun: true,
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(demo.clusters[ISTIO].api.writeCount()).toBe(before);
  });
});

describe('the injector down behind a webhook failing closed', () => {
  afterAll(() => scaleInjector(MAISTRA, 1));

  it('warns with the way out, refuses a restart with nothing written, and restarts when forced', async () => {
    scaleInjector(MAISTRA, 0);
    await waitUntil(async () =>
      (
        await namespaceStatus('sleep', MAISTRA)
      ).warnings.some(w => w.code === 'SM-INJECTOR-DOWN-FAIL-CLOSED'),
    );
    const sleep = await namespaceStatus('sleep', MAISTRA);
    const blocking = sleep.warnings.find(
      w => w.code === 'SM-INJECTOR-DOWN-FAIL-CLOSED',
    )!;
    expect(blocking.severity).toBe('error');
    expect(blocking.message).toContain('istio.openshift.com/ignore-namespace');

    const api = demo.clusters[MAISTRA].api;
    const before = api.writeCount();
    const request = { cluster: MAISTRA, namespace: 'sleep' };
    await expect(
      service.runAction('restart', component('sleep'), request),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('the rollout would stall'),
    });
    expect(api.writeCount()).toBe(before);

    const forced = await service.runAction('restart', component('sleep'), {
      ...request,
      force: true,
    });
    expect(forced.applied).toBe(true);
    expect(forced.forced).toEqual(['SM-GUARD-INJECTOR-DOWN']);
    expect(api.writeCount()).toBeGreaterThan(before);
  });
});

describe('the webhook configuration deleted', () => {
  it('shows the missing-webhook warning on the first watch event of the deletion', async () => {
    const cache = demo.registry.get(ISTIO).cache;
    const deleted = new Promise<ClusterCacheChange>(resolve => {
      const unsubscribe = cache.subscribe(change => {
        if (
          change.collection === 'mutatingWebhookConfigurations' &&
          change.type === 'DELETED'
        ) {
          unsubscribe();
          resolve(change);
        }
      });
    });
    const before = await namespaceStatus('bookinfo-legacy', ISTIO);
    expect(before.warnings.map(w => w.code)).not.toContain(
      'SM-INJECTOR-WEBHOOK-GONE',
    );
    demo.clusters[ISTIO].api.delete(
      WEBHOOKS,
      undefined,
      'istio-sidecar-injector',
    );
    const change = await deleted;
    expect(change.type).toBe('DELETED');
    const after = await namespaceStatus('bookinfo-legacy', ISTIO);
    expect(after.warnings).toContainEqual(
      expect.objectContaining({
        code: 'SM-INJECTOR-WEBHOOK-GONE',
        severity: 'error',
        message: expect.stringContaining('injection has silently stopped'),
      }),
    );
  });
});
