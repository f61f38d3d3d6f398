import { mockServices } from '@backstage/backend-test-utils';
import type { ServiceMeshActionName } from '@mesh-backstage/plugin-service-mesh-common';
import {
  component,
  RunningDemo,
  startDemoClusters,
} from '../__testUtils__/demoClusters';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';

jest.setTimeout(120_000);

const NAMESPACES = { group: '', plural: 'namespaces' };
const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };
const SMMR = { group: 'maistra.io', plural: 'servicemeshmemberrolls' };
const SIDECARS = { group: 'networking.istio.io', plural: 'sidecars' };
const SERVICE_ENTRIES = {
  group: 'networking.istio.io',
  plural: 'serviceentries',
};

/** A ServiceEntry case: the entity's namespace declares api.stripe.com. */
const serviceEntryCase = (
  flavour: string,
  cluster: string,
  entity: string,
  namespace: string,
): ActionCase => ({
  flavour,
  cluster,
  entity,
  namespace,
  action: 'serviceEntry',
  body: { hosts: ['api.stripe.com'] },
  check: demo =>
    expect(
      (
        demo.clusters[cluster].api.get(
          SERVICE_ENTRIES,
          namespace,
          'external-hosts',
        ) as any
      ).spec,
    ).toMatchObject({ hosts: ['api.stripe.com'], exportTo: ['.'] }),
});

interface ActionCase {
  flavour: string;
  cluster: string;
  entity: string;
  namespace: string;
  action: ServiceMeshActionName;
  body?: Record<string, unknown>;
  /** Reads what the real run must have changed. */
  check: (demo: RunningDemo) => void;
}

const ns = (demo: RunningDemo, cluster: string, name: string) =>
  demo.clusters[cluster].api.get(NAMESPACES, undefined, name)!.metadata
    .labels ?? {};

const template = (demo: RunningDemo, cluster: string, namespace: string) =>
  demo.clusters[cluster].api
    .list(DEPLOYMENTS, { namespace })
    .map(d => (d as any).spec.template.metadata);

/**
 * Every action, dry-run and real, on every flavour. Cases run in order on
 * shared clusters, so each starts from what the previous one left.
 */
const cases: ActionCase[] = [
  // OpenShift Service Mesh 2
  {
    flavour: 'ossm2',
    cluster: 'demo-ossm2',
    entity: 'legacy-billing',
    namespace: 'legacy-billing',
    action: 'enroll',
    check: demo =>
      expect(
        (
          demo.clusters['demo-ossm2'].api.get(
            SMMR,
            'istio-system',
            'default',
          ) as any
        ).spec.members,
      ).toContain('legacy-billing'),
  },
  {
    flavour: 'ossm2',
    cluster: 'demo-ossm2',
    entity: 'legacy-billing',
    namespace: 'legacy-billing',
    action: 'setInjection',
    // Its workloads already ask for a sidecar (with no effect outside the
    // mesh), so turning injection off is the change here.
    body: { injection: 'disabled' },
    check: demo =>
      expect(
        template(demo, 'demo-ossm2', 'legacy-billing').map(
          m => m.annotations?.['sidecar.istio.io/inject'],
        ),
      ).toEqual(expect.arrayContaining(['false'])),
  },
  {
    flavour: 'ossm2',
    cluster: 'demo-ossm2',
    entity: 'legacy-billing',
    namespace: 'legacy-billing',
    action: 'restart',
    check: demo =>
      expect(
        template(demo, 'demo-ossm2', 'legacy-billing').every(
          m => m.annotations?.['kubectl.kubernetes.io/restartedAt'],
        ),
      ).toBe(true),
  },
  {
    flavour: 'ossm2',
    cluster: 'demo-ossm2',
    entity: 'legacy-billing',
    namespace: 'legacy-billing',
    action: 'sidecarEgress',
    body: {
      hosts: [
        './*',
        'istio-system/*',
        'bookinfo/reviews.bookinfo.svc.cluster.local',
      ],
    },
    check: demo =>
      expect(
        (
          demo.clusters['demo-ossm2'].api.get(
            SIDECARS,
            'legacy-billing',
            'default',
          ) as any
        ).spec.egress[0].hosts,
      ).toContain('bookinfo/reviews.bookinfo.svc.cluster.local'),
  },
  {
    flavour: 'ossm2',
    cluster: 'demo-ossm2',
    entity: 'legacy-billing',
    namespace: 'legacy-billing',
    action: 'unenroll',
    check: demo =>
      expect(
        (
          demo.clusters['demo-ossm2'].api.get(
            SMMR,
            'istio-system',
            'default',
          ) as any
        ).spec.members,
      ).not.toContain('legacy-billing'),
  },
  // Upstream Istio with revisions
  {
    flavour: 'istio',
    cluster: 'demo-istio-revisions',
    entity: 'notifications-service',
    namespace: 'notifications',
    action: 'enroll',
    body: { revision: 'prod-stable' },
    check: demo =>
      expect(ns(demo, 'demo-istio-revisions', 'notifications')).toMatchObject({
        'istio.io/rev': 'prod-stable',
      }),
  },
  {
    flavour: 'istio',
    cluster: 'demo-istio-revisions',
    entity: 'search-service',
    namespace: 'search',
    action: 'switchRevision',
    body: { revision: 'prod-canary' },
    check: demo => {
      const labels = ns(demo, 'demo-istio-revisions', 'search');
      expect(labels['istio.io/rev']).toBe('prod-canary');
      expect(labels['istio-injection']).toBeUndefined();
    },
  },
  {
    flavour: 'istio',
    cluster: 'demo-istio-revisions',
    entity: 'reporting-service',
    namespace: 'reporting',
    action: 'setInjection',
    body: { injection: 'enabled' },
    check: demo =>
      expect(
        ns(demo, 'demo-istio-revisions', 'reporting')['istio-injection'],
      ).toBe('enabled'),
  },
  {
    flavour: 'istio',
    cluster: 'demo-istio-revisions',
    entity: 'reporting-service',
    namespace: 'reporting',
    action: 'restart',
    body: { workloads: [{ kind: 'Deployment', name: 'reporting-service' }] },
    check: demo =>
      expect(
        template(demo, 'demo-istio-revisions', 'reporting')[0].annotations?.[
          'kubectl.kubernetes.io/restartedAt'
        ],
      ).toBeDefined(),
  },
  {
    flavour: 'istio',
    cluster: 'demo-istio-revisions',
    entity: 'checkout-service',
    namespace: 'checkout',
    action: 'sidecarEgress',
    check: demo =>
      expect(
        demo.clusters['demo-istio-revisions'].api.get(
          SIDECARS,
          'checkout',
          'default',
        ),
      ).toBeDefined(),
  },
  {
    flavour: 'istio',
    cluster: 'demo-istio-revisions',
    entity: 'reporting-service',
    namespace: 'reporting',
    action: 'unenroll',
    check: demo =>
      expect(
        ns(demo, 'demo-istio-revisions', 'reporting')['istio-injection'],
      ).not.toBe('enabled'),
  },
  // OpenShift Service Mesh 3 / Sail
  {
    flavour: 'sail',
    cluster: 'demo-sail',
    entity: 'analytics-jobs',
    namespace: 'analytics',
    action: 'enroll',
    check: demo => {
      const labels = ns(demo, 'demo-sail', 'analytics');
      // Enrolling also adds the label the mesh's discovery selectors match.
      expect(labels['istio-discovery']).toBe('enabled');
      expect(
        labels['istio-injection'] === 'enabled' ||
          labels['istio.io/rev'] !== undefined,
      ).toBe(true);
    },
  },
  {
    flavour: 'sail',
    cluster: 'demo-sail',
    entity: 'fraud-detection',
    namespace: 'fraud-detection',
    action: 'switchRevision',
    body: { revision: 'default' },
    check: demo =>
      expect(ns(demo, 'demo-sail', 'fraud-detection')['istio.io/rev']).toBe(
        'default',
      ),
  },
  {
    flavour: 'sail',
    cluster: 'demo-sail',
    entity: 'customer-api',
    namespace: 'customers',
    action: 'restart',
    check: demo =>
      expect(
        template(demo, 'demo-sail', 'customers').every(
          m => m.annotations?.['kubectl.kubernetes.io/restartedAt'],
        ),
      ).toBe(true),
  },
  {
    flavour: 'sail',
    cluster: 'demo-sail',
    entity: 'customer-api',
    namespace: 'customers',
    action: 'setInjection',
    body: { injection: 'disabled' },
    check: demo =>
      expect(ns(demo, 'demo-sail', 'customers')['istio-injection']).toBe(
        'disabled',
      ),
  },
  {
    flavour: 'sail',
    cluster: 'demo-sail',
    entity: 'customer-api',
    namespace: 'customers',
    action: 'sidecarEgress',
    body: { hosts: ['./*', 'istio-system/*', 'storefront/*'] },
    check: demo =>
      expect(
        (
          demo.clusters['demo-sail'].api.get(
            SIDECARS,
            'customers',
            'default',
          ) as any
        ).spec.egress[0].hosts,
      ).toContain('storefront/*'),
  },
  {
    flavour: 'sail',
    cluster: 'demo-sail',
    entity: 'analytics-jobs',
    namespace: 'analytics',
    action: 'unenroll',
    check: demo => {
      const labels = ns(demo, 'demo-sail', 'analytics');
      expect(labels['istio-injection']).not.toBe('enabled');
      expect(labels['istio.io/rev']).toBeUndefined();
    },
  },
  serviceEntryCase('ossm2', 'demo-ossm2', 'legacy-billing', 'legacy-billing'),
  serviceEntryCase(
    'istio',
    'demo-istio-revisions',
    'checkout-service',
    'checkout',
  ),
  serviceEntryCase('sail', 'demo-sail', 'customer-api', 'customers'),
];

describe('every action, dry-run then real, on every flavour', () => {
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

  it.each(cases.map(c => [c.flavour, c.action, c.namespace, c] as const))(
    '%s: %s %s',
    async (_flavour, action, namespace, c) => {
      const api = demo.clusters[c.cluster].api;
      const request = { cluster: c.cluster, namespace, ...c.body };
      const entity = component(c.entity);

      const before = api.writeCount();
      const dryRun = await service.runAction(action, entity, {
        ...request,
        dryRun: true,
      });
      expect(dryRun.dryRun).toBe(true);
      expect(dryRun.applied).toBe(false);
      expect(dryRun.change.operations.length).toBeGreaterThan(0);
      expect(dryRun.change.operations.every(o => o.summary !== '')).toBe(true);
      // Each created or patched object comes with the YAML of its result.
      expect(
        dryRun.change.operations
          .filter(o => o.verb !== 'delete')
          .every(o => o.resultYaml.includes(`kind: ${o.kind}`)),
      ).toBe(true);
      expect(api.writeCount()).toBe(before);

      const real = await service.runAction(action, entity, request);
      expect(real.applied).toBe(true);
      c.check(demo);
    },
  );
});
