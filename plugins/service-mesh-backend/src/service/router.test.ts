import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { serviceMeshServiceEntryUpdatePermission } from '@mesh-backstage/plugin-service-mesh-common';
import express from 'express';
import request from 'supertest';
import {
  component,
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import { badRequests } from '../__testUtils__/badRequests';
import {
  OpenApiResponseChecker,
  recordResponses,
} from '../__testUtils__/openApiResponses';
import { recordingPermissions } from '../__testUtils__/permissionPolicies';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';
import { createRouter } from './router';

jest.setTimeout(120_000);

const SMMR = { group: 'maistra.io', plural: 'servicemeshmemberrolls' };
const SERVICE_ENTRIES = {
  group: 'networking.istio.io',
  plural: 'serviceentries',
};
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
  // Every answer of these tests, checked against the OpenAPI document last.
  const recorded = recordResponses();

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
        .use(recorded.middleware)
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

  it('answers 304 to a client that already has the status, and a new ETag once it changes', async () => {
    const path = '/entities/component/default/orders-service/status';
    const first = await request(allowed).get(path);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');

    const unchanged = await request(allowed)
      .get(path)
      .set('If-None-Match', etag);
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');

    // The namespace's injection label changes what its status says.
    const cluster = first.body.clusters[0].name as string;
    const { api } = demo.clusters[cluster];
    const labels = (injection: string | null) =>
      api.patch(
        NAMESPACES,
        undefined,
        'orders',
        'application/merge-patch+json',
        {
          metadata: { labels: { 'istio-injection': injection } },
        },
      );
    const before = api.get(NAMESPACES, undefined, 'orders')?.metadata.labels?.[
      'istio-injection'
    ];
    labels(before === 'disabled' ? 'enabled' : 'disabled');
    try {
      let changed = unchanged;
      await waitUntil(async () => {
        changed = await request(allowed).get(path).set('If-None-Match', etag);
        return changed.status === 200;
      });
      expect(changed.headers.etag).not.toBe(etag);
      expect(changed.body).not.toEqual(first.body);
    } finally {
      labels(before ?? null);
    }
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
    [
      'serviceEntry',
      {
        cluster: 'demo-ossm2',
        namespace: 'legacy-billing',
        hosts: ['api.stripe.com'],
      },
    ],
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

  it.each(badRequests.map(c => [c.case, c] as const))(
    'rejects %s with a clear error and no write',
    async (_case, c) => {
      const before = totalWrites();
      // Each case runs as the owner of the namespace it names, so only the
      // input itself is wrong.
      const owners: Record<string, string> = { catalog: 'catalog-service' };
      const namespace = (c.body as { namespace?: unknown } | undefined)
        ?.namespace;
      const name =
        c.entityName ?? owners[String(namespace)] ?? 'orders-service';
      const url = `/entities/${encodeURIComponent(
        c.kind ?? 'component',
      )}/default/${encodeURIComponent(name)}/actions/${c.action}`;
      let call = request(allowed).post(url);
      if (c.contentType !== undefined && c.contentType !== null) {
        call = call.set('Content-Type', c.contentType);
      }
      if (c.raw !== undefined) {
        call = call.type(c.contentType ?? 'application/json').send(c.raw);
      } else if (c.body !== undefined) {
        call = call.send(c.body);
      }
      const response = await call;
      expect({ status: response.status, body: response.body }).toMatchObject({
        status: c.status,
        body: { error: { message: expect.stringMatching(c.message) } },
      });
      expect(totalWrites()).toBe(before);
    },
  );

  it('has at least 45 bad-input cases', () => {
    expect(badRequests.length).toBeGreaterThanOrEqual(45);
  });

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

  describe('serviceEntry', () => {
    const URL =
      '/entities/component/default/storefront-web/actions/serviceEntry';
    const body = {
      cluster: 'demo-sail',
      namespace: 'storefront',
      hosts: ['api.stripe.com'],
    };
    /** May edit the Sidecar, not declare external hosts. */
    let sidecarOnly: express.Express;
    const api = () => demo.clusters['demo-sail'].api;
    const writes = () => api().writeCount();
    const stored = () =>
      api().get(SERVICE_ENTRIES, 'storefront', 'external-hosts') as any;

    beforeAll(async () => {
      sidecarOnly = express()
        .use(recorded.middleware)
        .use(
          await createRouter({
            httpAuth: mockServices.httpAuth(),
            permissions: recordingPermissions(permission => ({
              result:
                permission.name === serviceMeshServiceEntryUpdatePermission.name
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })).permissions,
            auditor,
            catalog: catalogServiceMock({ entities }),
            serviceMesh: new DefaultServiceMeshService({
              clusters: demo.registry,
              logger: mockServices.logger.mock(),
            }),
          }),
        )
        .use(mockErrorHandler());
    });

    it('answers a dry run with the exact object, and writes nothing', async () => {
      const before = writes();
      const response = await request(allowed)
        .post(URL)
        .send({ ...body, dryRun: true });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        dryRun: true,
        applied: false,
        summary: 'Create ServiceEntry external-hosts in storefront',
        change: {
          operations: [
            {
              verb: 'create',
              kind: 'ServiceEntry',
              namespace: 'storefront',
              name: 'external-hosts',
              object: {
                spec: {
                  hosts: ['api.stripe.com'],
                  exportTo: ['.'],
                  location: 'MESH_EXTERNAL',
                  resolution: 'DNS',
                  ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
                },
              },
            },
          ],
        },
      });
      expect(writes()).toBe(before);
      expect(stored()).toBeUndefined();
    });

    it('creates it, then reports an identical one as already there without writing', async () => {
      auditor.createEvent.mockClear();
      const created = await request(allowed).post(URL).send(body);
      expect(created.status).toBe(200);
      expect(created.body.applied).toBe(true);
      expect(stored().spec).toMatchObject({
        hosts: ['api.stripe.com'],
        exportTo: ['.'],
      });
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'service-mesh-action',
          meta: expect.objectContaining({
            action: 'serviceEntry',
            entityRef: 'component:default/storefront-web',
            namespace: 'storefront',
            dryRun: false,
          }),
        }),
      );
      const event = await auditor.createEvent.mock.results[0].value;
      expect(event.success).toHaveBeenCalledWith({
        meta: expect.objectContaining({
          applied: true,
          operations: [
            'Create ServiceEntry external-hosts in storefront declaring api.stripe.com',
          ],
        }),
      });

      const before = writes();
      const again = await request(allowed).post(URL).send(body);
      expect(again.body).toMatchObject({
        applied: false,
        change: { operations: [] },
        summary:
          'ServiceEntry external-hosts in storefront already declares api.stripe.com',
      });
      expect(writes()).toBe(before);
    });

    it('replaces the spec of the existing one, guarded by its resourceVersion', async () => {
      const resourceVersion = stored().metadata.resourceVersion;
      const response = await request(allowed)
        .post(URL)
        .send({ ...body, hosts: ['api.stripe.com', 'hooks.slack.com'] });
      expect(response.status).toBe(200);
      expect(response.body.applied).toBe(true);
      expect(response.body.change.operations[0].patch).toEqual([
        {
          op: 'test',
          path: '/metadata/resourceVersion',
          value: resourceVersion,
        },
        expect.objectContaining({ op: 'replace', path: '/spec' }),
      ]);
      expect(stored().spec.hosts).toEqual([
        'api.stripe.com',
        'hooks.slack.com',
      ]);
    });

    it('re-reads and replaces, rather than overwrites, one created after it was read', async () => {
      const writer = demo.registry.get('demo-sail').writer;
      // Someone else creates it between the plan's read and the write.
      jest.spyOn(writer, 'read').mockResolvedValueOnce(undefined);
      api().create(SERVICE_ENTRIES, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'raced', namespace: 'storefront' },
        spec: { hosts: ['example.org'], resolution: 'DNS' },
      });
      const response = await request(allowed)
        .post(URL)
        .send({ ...body, name: 'raced' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        applied: true,
        change: { operations: [{ verb: 'patch', name: 'raced' }] },
      });
      expect(
        (api().get(SERVICE_ENTRIES, 'storefront', 'raced') as any).spec,
      ).toMatchObject({ hosts: ['api.stripe.com'], exportTo: ['.'] });
    });

    it('refuses, with 403 and no write, a user who may edit the Sidecar but not declare external hosts', async () => {
      const before = writes();
      const response = await request(sidecarOnly)
        .post(URL)
        .send({ ...body, hosts: ['example.com'] });
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain(
        'service-mesh.serviceentry.update',
      );
      expect(writes()).toBe(before);
      // The Sidecar egress stays theirs.
      const sidecar = await request(sidecarOnly)
        .post(
          '/entities/component/default/storefront-web/actions/sidecarEgress',
        )
        .send({ cluster: 'demo-sail', namespace: 'storefront', dryRun: true });
      expect(sidecar.status).toBe(200);
    });
  });

  // Last, so that it sees the answers of every test above.
  it('answers only what the OpenAPI document allows', () => {
    const checker = new OpenApiResponseChecker();
    expect(recorded.responses.length).toBeGreaterThan(badRequests.length);
    expect(recorded.responses.flatMap(r => checker.problems(r))).toEqual([]);
  });
});
