import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  component,
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';

jest.setTimeout(60_000);

describe('DefaultServiceMeshService against the demo clusters', () => {
  let demo: RunningDemo;
  let service: DefaultServiceMeshService;

  beforeAll(async () => {
    demo = await startDemoClusters(['ossm2', 'istio-revisions', 'sail']);
    service = new DefaultServiceMeshService({
      clusters: demo.registry,
      logger: mockServices.logger.mock(),
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  const namespaceStatus = async (entity: string, namespace: string) => {
    const status = await service.getStatus(component(entity));
    for (const cluster of status.clusters) {
      const found = cluster.namespaces.find(n => n.name === namespace);
      if (found) return { cluster, namespace: found };
    }
    throw new Error(`no status for ${namespace}`);
  };

  it('reports an OSSM 2 member namespace with its control plane and sidecars', async () => {
    const { cluster, namespace } = await namespaceStatus(
      'bookinfo',
      'bookinfo',
    );
    expect(cluster.name).toBe('demo-ossm2');
    expect(cluster.synced).toBe(true);
    expect(cluster.dataAsOf).toBeDefined();
    expect(namespace.controlPlane?.flavour).toBe('ossm2');
    expect(namespace.membership.member).toBe(true);
    const productpage = namespace.workloads.find(w =>
      w.name.startsWith('productpage'),
    );
    expect(productpage?.podsWithSidecar).toBeGreaterThan(0);
    expect(namespace.links.kiali).toMatch(
      /^https:\/\/kiali[^/]*\/console\/graph\/namespaces\/\?namespaces=bookinfo/,
    );
  });

  it('answers the same status object while nothing behind it changes, and a new one once something does', async () => {
    const first = await service.getStatus(component('bookinfo'));
    expect(await service.getStatus(component('bookinfo'))).toBe(first);
    // Same entity, other annotations: not the memoised answer.
    const elsewhere = await service.getStatus(
      component('bookinfo', { 'backstage.io/kubernetes-namespace': 'nowhere' }),
    );
    expect(elsewhere).not.toBe(first);
    expect(elsewhere.clusters.flatMap(c => c.namespaces)).toEqual([]);

    const { api } = demo.clusters['demo-ossm2'];
    const label = (value: string | null) =>
      api.patch(
        { group: '', plural: 'namespaces' },
        undefined,
        'bookinfo',
        'application/merge-patch+json',
        { metadata: { labels: { 'status-memo-test': value } } },
      );
    label('changed');
    try {
      await waitUntil(
        async () => (await service.getStatus(component('bookinfo'))) !== first,
      );
    } finally {
      label(null);
    }
  });

  it('flags both injection labels (IST0123) in the upstream Istio scenario', async () => {
    const { cluster, namespace } = await namespaceStatus(
      'search-service',
      'search',
    );
    expect(cluster.name).toBe('demo-istio-revisions');
    expect(namespace.warnings.map(w => w.code)).toContain('IST0123');
    const tags = namespace.controlPlane?.tags.map(t => t.name);
    expect(tags).toEqual(
      expect.arrayContaining(['prod-stable', 'prod-canary']),
    );
  });

  it('refuses a namespace that does not belong to the entity, writing nothing', async () => {
    const writes = demo.clusters['demo-ossm2'].api.writeCount();
    await expect(
      service.runAction('enroll', component('orders-service'), {
        cluster: 'demo-ossm2',
        namespace: 'bookinfo',
      }),
    ).rejects.toThrow(NotAllowedError);
    expect(demo.clusters['demo-ossm2'].api.writeCount()).toBe(writes);
  });

  it('refuses an unknown cluster with an InputError', async () => {
    await expect(
      service.runAction('enroll', component('orders-service'), {
        cluster: 'nowhere',
        namespace: 'orders',
      }),
    ).rejects.toThrow(InputError);
  });

  it('enrolls an OSSM 2 namespace: dry run writes nothing, the real run adds it to the member roll', async () => {
    const api = demo.clusters['demo-ossm2'].api;
    const before = api.writeCount();
    const dryRun = await service.runAction(
      'enroll',
      component('legacy-billing'),
      {
        cluster: 'demo-ossm2',
        namespace: 'legacy-billing',
        dryRun: true,
      },
    );
    expect(dryRun.applied).toBe(false);
    expect(dryRun.change.operations).toHaveLength(1);
    expect(dryRun.change.operations[0]).toMatchObject({
      verb: 'patch',
      kind: 'ServiceMeshMemberRoll',
    });
    expect(dryRun.change.operations[0].resultYaml).toContain(
      '- legacy-billing',
    );
    // Other teams' members, the roll's status and uid stay out of the answer.
    const shown = JSON.stringify(dryRun);
    for (const other of ['bookinfo', 'orders', 'shipping']) {
      expect(shown).not.toContain(other);
    }
    expect(dryRun.change.operations[0].resultYaml).not.toMatch(
      /status:|uid:|resourceVersion:/,
    );
    expect(dryRun.change.operations[0].otherNamespaces).toBeGreaterThan(0);
    expect(dryRun.change.operations[0].changes).toEqual([
      { path: ['spec', 'members'], after: 'legacy-billing', item: true },
    ]);
    expect(dryRun.summary).toBe(
      'Add legacy-billing to members (ServiceMeshMemberRoll default in istio-system)',
    );
    expect(api.writeCount()).toBe(before);

    const real = await service.runAction(
      'enroll',
      component('legacy-billing'),
      {
        cluster: 'demo-ossm2',
        namespace: 'legacy-billing',
      },
    );
    expect(real.applied).toBe(true);
    const smmr = api.get(
      { group: 'maistra.io', plural: 'servicemeshmemberrolls' },
      'istio-system',
      'default',
    ) as any;
    expect(smmr.spec.members).toContain('legacy-billing');

    // Idempotent: once the cache has caught up, the same request changes nothing.
    await waitUntil(
      async () =>
        (
          await namespaceStatus('legacy-billing', 'legacy-billing')
        ).namespace.membership.member,
    );
    const again = await service.runAction(
      'enroll',
      component('legacy-billing'),
      {
        cluster: 'demo-ossm2',
        namespace: 'legacy-billing',
      },
    );
    expect(again.change.operations).toHaveLength(0);
    expect(again.applied).toBe(false);
    expect(again.summary).toBe('Already a member of the mesh');
  });

  it('switches a namespace to a revision, restarts it, and then every pod runs the new revision', async () => {
    const entity = component('catalog-service');
    const switched = await service.runAction('switchRevision', entity, {
      cluster: 'demo-istio-revisions',
      namespace: 'catalog',
      revision: '1-24-3',
    });
    expect(switched.applied).toBe(true);
    await waitUntil(
      async () =>
        (
          await namespaceStatus('catalog-service', 'catalog')
        ).namespace.injection.effectiveRevision === '1-24-3',
    );
    const stale = await namespaceStatus('catalog-service', 'catalog');
    expect(stale.namespace.workloads.some(w => w.restartNeeded)).toBe(true);

    const restart = await service.runAction('restart', entity, {
      cluster: 'demo-istio-revisions',
      namespace: 'catalog',
    });
    expect(restart.applied).toBe(true);
    expect((restart as any).podsToReplace.length).toBeGreaterThan(0);

    await waitUntil(async () => {
      const { namespace } = await namespaceStatus('catalog-service', 'catalog');
      return namespace.workloads.every(
        w =>
          !w.restartNeeded &&
          w.pods > 0 &&
          w.proxies.length === 1 &&
          w.proxies[0].revision === '1-24-3',
      );
    });
  });

  it('creates a Sidecar egress and reports the visible services before and after', async () => {
    const response = (await service.runAction(
      'sidecarEgress',
      component('storefront-web'),
      {
        cluster: 'demo-sail',
        namespace: 'storefront',
      },
    )) as any;
    expect(response.applied).toBe(true);
    expect(response.visibleServices.after).toBeLessThan(
      response.visibleServices.before,
    );
    const sidecar = demo.clusters['demo-sail'].api.get(
      { group: 'networking.istio.io', plural: 'sidecars' },
      'storefront',
      'default',
    ) as any;
    expect(sidecar.spec.egress[0].hosts).toEqual(['./*', 'istio-system/*']);
  });

  it('refuses to switch to a revision whose injector is down unless forced, and warns about it', async () => {
    const api = demo.clusters['demo-istio-revisions'].api;
    const deployments = { group: 'apps', plural: 'deployments' };
    const istiod = api.get(deployments, 'istio-system', 'istiod-1-24-3') as any;
    api.update(deployments, {
      ...istiod,
      spec: { ...istiod.spec, replicas: 0 },
    });
    await waitUntil(async () => {
      const { namespace } = await namespaceStatus(
        'checkout-service',
        'checkout',
      );
      return namespace.warnings.some(w => w.code === 'SM-INJECTOR-NOT-READY');
    });

    const entity = component('notifications-service');
    const request = {
      cluster: 'demo-istio-revisions',
      namespace: 'notifications',
      revision: '1-24-3',
    };
    const writes = api.writeCount();
    await expect(
      service.runAction('switchRevision', entity, request),
    ).rejects.toThrow(ConflictError);
    await expect(
      service.runAction('switchRevision', entity, request),
    ).rejects.toThrow(/retry with force/);
    expect(api.writeCount()).toBe(writes);

    const forced = await service.runAction('switchRevision', entity, {
      ...request,
      force: true,
    });
    expect(forced.applied).toBe(true);
    expect(forced.forced).toEqual([expect.any(String)]);
    api.update(deployments, {
      ...(api.get(deployments, 'istio-system', 'istiod-1-24-3') as any),
      spec: { ...istiod.spec, replicas: 1 },
    });
  });
});
