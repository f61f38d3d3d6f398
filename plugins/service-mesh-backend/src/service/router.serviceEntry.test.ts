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
} from '../__testUtils__/demoClusters';
import {
  OpenApiResponseChecker,
  recordResponses,
} from '../__testUtils__/openApiResponses';
import { recordingPermissions } from '../__testUtils__/permissionPolicies';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';
import { createRouter } from './router';

jest.setTimeout(60_000);

const SERVICE_ENTRIES = {
  group: 'networking.istio.io',
  plural: 'serviceentries',
};
const URL = '/entities/component/default/storefront-web/actions/serviceEntry';
const body = {
  cluster: 'demo-sail',
  namespace: 'storefront',
  hosts: ['api.stripe.com'],
};

describe('service-mesh router: serviceEntry', () => {
  let demo: RunningDemo;
  let allowed: express.Express;
  /** May edit the Sidecar, not declare external hosts. */
  let sidecarOnly: express.Express;
  const auditor = mockServices.auditor.mock();
  const recorded = recordResponses();

  beforeAll(async () => {
    demo = await startDemoClusters(['sail']);
    const serviceMesh = new DefaultServiceMeshService({
      clusters: demo.registry,
      logger: mockServices.logger.mock(),
    });
    const app = async (deniedName?: string) =>
      express()
        .use(recorded.middleware)
        .use(
          await createRouter({
            httpAuth: mockServices.httpAuth(),
            permissions: recordingPermissions(permission => ({
              result:
                permission.name === deniedName
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })).permissions,
            auditor,
            catalog: catalogServiceMock({
              entities: [component('storefront-web')],
            }),
            serviceMesh,
          }),
        )
        .use(mockErrorHandler());
    allowed = await app();
    sidecarOnly = await app(serviceMeshServiceEntryUpdatePermission.name);
  });

  afterAll(async () => {
    await demo?.close();
  });

  const api = () => demo.clusters['demo-sail'].api;
  const writes = () => api().writeCount();
  const stored = () =>
    api().get(SERVICE_ENTRIES, 'storefront', 'external-hosts') as any;

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
      { op: 'test', path: '/metadata/resourceVersion', value: resourceVersion },
      expect.objectContaining({ op: 'replace', path: '/spec' }),
    ]);
    expect(stored().spec.hosts).toEqual(['api.stripe.com', 'hooks.slack.com']);
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

  it.each([
    ['a wildcard host', { ...body, hosts: ['*'] }, /not a wildcard/],
    [
      'a cluster-local host',
      { ...body, hosts: ['reviews.bookinfo.svc.cluster.local'] },
      /cluster-local/,
    ],
    [
      'an egress host',
      { ...body, hosts: ['*/api.stripe.com'] },
      /not an egress host/,
    ],
    ['no host', { ...body, hosts: [] }, /hosts/],
    ['another protocol', { ...body, protocol: 'GRPC' }, /protocol/],
    ['an invalid name', { ...body, name: 'Not_A_Name' }, /name/],
    ['an unknown field', { ...body, port: 8443 }, /additional properties/],
  ])('refuses %s with 400 and no write', async (_case, bad, message) => {
    const before = writes();
    const response = await request(allowed).post(URL).send(bad);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
    expect(writes()).toBe(before);
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
      .post('/entities/component/default/storefront-web/actions/sidecarEgress')
      .send({ cluster: 'demo-sail', namespace: 'storefront', dryRun: true });
    expect(sidecar.status).toBe(200);
  });

  it("refuses a namespace that is not the entity's with 403 and no write", async () => {
    const before = writes();
    const response = await request(allowed)
      .post(URL)
      .send({ ...body, namespace: 'customers' });
    expect(response.status).toBe(403);
    expect(writes()).toBe(before);
  });

  // Last, so that it sees the answers of every test above.
  it('answers only what the OpenAPI document allows', () => {
    const checker = new OpenApiResponseChecker();
    expect(recorded.responses.flatMap(r => checker.problems(r))).toEqual([]);
  });
});
