import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import {
  component,
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';
import { createRouter } from './router';

jest.setTimeout(120_000);

const SMMR = { group: 'maistra.io', plural: 'servicemeshmemberrolls' };
const NAMESPACES = { group: '', plural: 'namespaces' };

/** 50 extra namespaces of one entity, for the concurrent-enroll test. */
const bulkNamespaces = Array.from(
  { length: 50 },
  (_, i) => `bulk-${String(i).padStart(2, '0')}`,
);

const entities = [
  component('legacy-billing'),
  component('orders-service'),
  component('catalog-service'),
  component('storefront-web'),
  component('bulk', { 'backstage.io/kubernetes-label-selector': 'team=bulk' }),
  component('no-annotations', {}),
];

describe('service-mesh router', () => {
  let demo: RunningDemo;
  let allowed: express.Express;
  let denied: express.Express;
  const auditor = mockServices.auditor.mock();

  beforeAll(async () => {
    demo = await startDemoClusters(['ossm2', 'istio-revisions', 'sail']);
    const ossm2 = demo.clusters['demo-ossm2'].api;
    for (const name of bulkNamespaces) {
      ossm2.create(NAMESPACES, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { team: 'bulk' } },
      });
      ossm2.create(
        { group: 'apps', plural: 'deployments' },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'worker',
            namespace: name,
            labels: { team: 'bulk' },
          },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: 'worker' } },
            template: {
              metadata: { labels: { app: 'worker', team: 'bulk' } },
              spec: { containers: [{ name: 'worker', image: 'busybox' }] },
            },
          },
        },
      );
    }
    await waitUntil(
      () =>
        demo.registry
          .get('demo-ossm2')
          .cache.list('deployments')
          .filter((d: any) => d.metadata.name === 'worker').length === 50,
    );
    const serviceMesh = new DefaultServiceMeshService({
      clusters: demo.registry,
      logger: mockServices.logger.mock(),
    });
    const app = async (result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) =>
      express()
        .use(
          await createRouter({
            httpAuth: mockServices.httpAuth(),
            permissions: mockServices.permissions({ result }),
            auditor,
            catalog: catalogServiceMock({ entities }),
            serviceMesh,
          }),
        )
        .use(mockErrorHandler());
    allowed = await app(AuthorizeResult.ALLOW);
    denied = await app(AuthorizeResult.DENY);
  });

  afterAll(async () => {
    await demo?.close();
  });

  const totalWrites = () =>
    Object.values(demo.clusters).reduce(
      (sum, c) => sum + c.api.writeCount(),
      0,
    );

  it('answers the status of an entity', async () => {
    const response = await request(allowed).get(
      '/entities/component/default/orders-service/status',
    );
    expect(response.status).toBe(200);
    expect(response.body.entityRef).toBe('component:default/orders-service');
    expect(response.body.clusters[0].namespaces[0].name).toBe('orders');
  });

  it.each([
    ['enroll', { cluster: 'demo-ossm2', namespace: 'legacy-billing' }],
    ['unenroll', { cluster: 'demo-ossm2', namespace: 'legacy-billing' }],
    [
      'setInjection',
      {
        cluster: 'demo-ossm2',
        namespace: 'legacy-billing',
        injection: 'enabled',
      },
    ],
    [
      'switchRevision',
      { cluster: 'demo-ossm2', namespace: 'legacy-billing', revision: 'basic' },
    ],
    ['restart', { cluster: 'demo-ossm2', namespace: 'legacy-billing' }],
    ['sidecarEgress', { cluster: 'demo-ossm2', namespace: 'legacy-billing' }],
  ])(
    'refuses %s to a user who may not change the entity, with 403 and no write',
    async (action, body) => {
      const before = totalWrites();
      const response = await request(denied)
        .post(`/entities/component/default/legacy-billing/actions/${action}`)
        .send(body);
      expect(response.status).toBe(403);
      expect(response.body.error.name).toBe('NotAllowedError');
      expect(totalWrites()).toBe(before);
    },
  );

  it('refuses status to a user without the read permission', async () => {
    const response = await request(denied).get(
      '/entities/component/default/legacy-billing/status',
    );
    expect(response.status).toBe(403);
  });

  const badInput: Array<[string, string, string, object, number, RegExp]> = [
    [
      'malformed entity kind',
      'comp onent',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'orders' },
      400,
      /Malformed entity ref/,
    ],
    [
      'malformed entity name',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'orders' },
      400,
      /Malformed entity ref/,
    ],
    [
      'unknown action',
      'component',
      'explode',
      { cluster: 'demo-ossm2', namespace: 'orders' },
      404,
      /Unknown service-mesh action/,
    ],
    [
      'missing cluster',
      'component',
      'enroll',
      { namespace: 'orders' },
      400,
      /cluster/,
    ],
    [
      'empty cluster',
      'component',
      'enroll',
      { cluster: '', namespace: 'orders' },
      400,
      /cluster/,
    ],
    [
      'unknown cluster',
      'component',
      'enroll',
      { cluster: 'prod-eu', namespace: 'orders' },
      400,
      /Unknown cluster 'prod-eu'/,
    ],
    [
      'missing namespace',
      'component',
      'enroll',
      { cluster: 'demo-ossm2' },
      400,
      /namespace/,
    ],
    [
      'upper-case namespace',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'Orders' },
      400,
      /RFC 1123/,
    ],
    [
      'namespace with underscore',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'my_ns' },
      400,
      /RFC 1123/,
    ],
    [
      'namespace too long',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'a'.repeat(64) },
      400,
      /RFC 1123/,
    ],
    [
      'namespace not a string',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 42 },
      400,
      /namespace/,
    ],
    [
      'unknown field',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'orders', namespaces: ['x'] },
      400,
      /Unrecognized key/,
    ],
    [
      'dryRun not a boolean',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'orders', dryRun: 'yes' },
      400,
      /dryRun/,
    ],
    [
      'bad revision name',
      'component',
      'switchRevision',
      { cluster: 'demo-ossm2', namespace: 'orders', revision: 'Canary!' },
      400,
      /revision/,
    ],
    [
      'missing revision',
      'component',
      'switchRevision',
      { cluster: 'demo-ossm2', namespace: 'orders' },
      400,
      /revision/,
    ],
    [
      'bad injection value',
      'component',
      'setInjection',
      { cluster: 'demo-ossm2', namespace: 'orders', injection: 'on' },
      400,
      /injection/,
    ],
    [
      'bad workload kind',
      'component',
      'restart',
      {
        cluster: 'demo-ossm2',
        namespace: 'orders',
        workloads: [{ kind: 'Pod', name: 'x' }],
      },
      400,
      /workloads/,
    ],
    [
      'empty workload list',
      'component',
      'restart',
      { cluster: 'demo-ossm2', namespace: 'orders', workloads: [] },
      400,
      /workloads/,
    ],
    [
      'unknown workload',
      'component',
      'restart',
      {
        cluster: 'demo-ossm2',
        namespace: 'orders',
        workloads: [{ kind: 'Deployment', name: 'ghost' }],
      },
      400,
      /ghost/,
    ],
    [
      'egress host without namespace',
      'component',
      'sidecarEgress',
      {
        cluster: 'demo-ossm2',
        namespace: 'orders',
        hosts: ['reviews.bookinfo.svc.cluster.local'],
      },
      400,
      /host/i,
    ],
    [
      'egress host with bad namespace',
      'component',
      'sidecarEgress',
      { cluster: 'demo-ossm2', namespace: 'orders', hosts: ['Bad_NS/*'] },
      400,
      /host/i,
    ],
    [
      'empty egress host list',
      'component',
      'sidecarEgress',
      { cluster: 'demo-ossm2', namespace: 'orders', hosts: [] },
      400,
      /hosts/,
    ],
    [
      'bad Sidecar name',
      'component',
      'sidecarEgress',
      { cluster: 'demo-ossm2', namespace: 'orders', name: 'My Sidecar' },
      400,
      /name/,
    ],
    [
      'enroll kube-system',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'kube-system' },
      403,
      /does not belong/,
    ],
    [
      'namespace of another entity',
      'component',
      'enroll',
      { cluster: 'demo-ossm2', namespace: 'bookinfo' },
      403,
      /does not belong/,
    ],
    [
      'unknown revision on enroll',
      'component',
      'enroll',
      {
        cluster: 'demo-istio-revisions',
        namespace: 'catalog',
        revision: 'nope',
      },
      400,
      /nope/,
    ],
  ];

  it.each(badInput)(
    'rejects %s with a clear error and no write',
    async (_case, kind, action, body, status, message) => {
      const before = totalWrites();
      // Each case runs as the owner of the namespace it names, so only the
      // input itself is wrong.
      const owners: Record<string, string> = { catalog: 'catalog-service' };
      const namespace = (body as { namespace?: unknown }).namespace;
      const name =
        _case === 'malformed entity name'
          ? 'Not A Name!'
          : owners[String(namespace)] ?? 'orders-service';
      const response = await request(allowed)
        .post(
          `/entities/${encodeURIComponent(kind)}/default/${encodeURIComponent(
            name,
          )}/actions/${action}`,
        )
        .send(body);
      expect({ status: response.status, body: response.body }).toMatchObject({
        status,
        body: { error: { message: expect.stringMatching(message) } },
      });
      expect(totalWrites()).toBe(before);
    },
  );

  it('answers 404 for an entity the catalog does not have', async () => {
    const response = await request(allowed)
      .post('/entities/component/default/ghost/actions/enroll')
      .send({ cluster: 'demo-ossm2', namespace: 'orders' });
    expect(response.status).toBe(404);
  });

  it('records an audit event for each action, with its outcome', async () => {
    auditor.createEvent.mockClear();
    await request(allowed)
      .post('/entities/component/default/storefront-web/actions/sidecarEgress')
      .send({ cluster: 'demo-sail', namespace: 'storefront', dryRun: true });
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'service-mesh-action',
        meta: expect.objectContaining({
          action: 'sidecarEgress',
          entityRef: 'component:default/storefront-web',
          namespace: 'storefront',
          dryRun: true,
        }),
      }),
    );
  });

  it('enrolls 50 namespaces concurrently into one member roll, losing and duplicating none', async () => {
    const smmrBefore = demo.clusters['demo-ossm2'].api.get(
      SMMR,
      'istio-system',
      'default',
    ) as any;
    const responses = await Promise.all(
      bulkNamespaces.map(namespace =>
        request(allowed)
          .post('/entities/component/default/bulk/actions/enroll')
          .send({ cluster: 'demo-ossm2', namespace }),
      ),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.body.applied).toBe(true);
    }
    const members: string[] = (
      demo.clusters['demo-ossm2'].api.get(
        SMMR,
        'istio-system',
        'default',
      ) as any
    ).spec.members;
    expect(members.filter(m => m.startsWith('bulk-')).sort()).toEqual(
      bulkNamespaces,
    );
    expect(new Set(members).size).toBe(members.length);
    for (const previous of smmrBefore.spec.members) {
      expect(members).toContain(previous);
    }
  });
});
