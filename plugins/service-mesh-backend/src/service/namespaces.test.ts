import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { RunningDemo, startDemoClusters } from '../__testUtils__/demoClusters';
import {
  OpenApiResponseChecker,
  recordResponses,
} from '../__testUtils__/openApiResponses';
import { DefaultServiceMeshService } from './DefaultServiceMeshService';
import { KeyedQueue } from './KeyedQueue';
import { NamespaceProvisioner } from './namespaces';
import { createRouter } from './router';

const cluster = 'demo-istio-revisions';
const jane = mockCredentials.user('user:default/jane');
const bob = mockCredentials.user('user:default/bob');
const header = (credentials = jane) => ({
  Authorization: mockCredentials.user.header(
    credentials.principal.userEntityRef,
  ),
});

describe('namespace provisioning routes', () => {
  let demo: RunningDemo;
  let allowed: express.Express;
  let denied: express.Express;
  const auditor = mockServices.auditor.mock();
  const recorded = recordResponses();
  const writes = () => demo.clusters[cluster].api.writeCount();

  beforeAll(async () => {
    demo = await startDemoClusters(['istio-revisions']);
    const writeTurns = new KeyedQueue();
    const app = async (result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) =>
      express()
        .use(recorded.middleware)
        .use(
          await createRouter({
            httpAuth: mockServices.httpAuth(),
            permissions: mockServices.permissions({ result }),
            auditor,
            catalog: catalogServiceMock({ entities: [] }),
            serviceMesh: new DefaultServiceMeshService({
              clusters: demo.registry,
              logger: mockServices.logger.mock(),
              writeTurns,
            }),
            namespaces: new NamespaceProvisioner({
              clusters: demo.registry,
              writeTurns,
            }),
          }),
        )
        .use(mockErrorHandler());
    allowed = await app(AuthorizeResult.ALLOW);
    denied = await app(AuthorizeResult.DENY);
  });

  afterAll(async () => {
    await demo?.close();
  });

  const body = {
    cluster,
    namespace: 'new-checkout',
    entityRef: 'component:default/new-checkout',
  };

  it('refuses without service-mesh.namespace.create, audited, nothing written', async () => {
    const before = writes();
    const answer = await request(denied)
      .post('/namespaces')
      .set(header())
      .send(body);
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain(
      'Not allowed: service-mesh.namespace.create',
    );
    expect(writes()).toBe(before);
    expect(auditor.createEvent).toHaveBeenLastCalledWith(
      expect.objectContaining({ eventId: 'service-mesh-namespace-provision' }),
    );
  });

  it.each([
    [{ ...body, entityRef: 'not a ref/x/y' }, /entityRef/],
    [{ ...body, namespace: 'Bad_Name' }, /namespace/],
    [{ ...body, manifests: [{ kind: 'Secret' }] }, /manifests/],
  ])('answers 400 for %j', async (bad, message) => {
    const answer = await request(allowed)
      .post('/namespaces')
      .set(header())
      .send(bad);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });

  it('plans on a dry run, then creates; the requester may act on the entity-to-be, nobody else', async () => {
    const before = writes();
    const dryRun = await request(allowed)
      .post('/namespaces')
      .set(header())
      .send({ ...body, dryRun: true });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.change.operations).toHaveLength(1);
    expect(writes()).toBe(before);

    const created = await request(allowed)
      .post('/namespaces')
      .set(header())
      .send(body);
    expect(created.body.applied).toBe(true);

    const entityPath = '/entities/component/default/new-checkout';
    const enroll = await request(allowed)
      .post(`${entityPath}/actions/enroll`)
      .set(header())
      .send({ cluster, namespace: 'new-checkout', revision: 'prod-canary' });
    expect(enroll.status).toBe(200);
    expect(enroll.body.applied).toBe(true);

    const status = await request(allowed)
      .get(`${entityPath}/status`)
      .set(header());
    expect(status.body.clusters[0].namespaces[0].name).toBe('new-checkout');

    const afterJane = writes();
    const byBob = await request(allowed)
      .post(`${entityPath}/actions/setInjection`)
      .set(header(bob))
      .send({ cluster, namespace: 'new-checkout', injection: 'disabled' });
    expect(byBob.status).toBe(403);
    expect(byBob.body.error.message).toContain('only user:default/jane');
    const repeatByBob = await request(allowed)
      .post('/namespaces')
      .set(header(bob))
      .send(body);
    expect(repeatByBob.status).toBe(403);
    expect(writes()).toBe(afterJane);
  });

  it('answers 409 for a namespace that exists and is not provisioned for the entity', async () => {
    const answer = await request(allowed)
      .post('/namespaces')
      .set(header())
      .send({ ...body, namespace: 'default' });
    expect(answer.status).toBe(409);
  });

  it('lists the control planes for the revision picker', async () => {
    const answer = await request(allowed).get('/control-planes').set(header());
    expect(answer.status).toBe(200);
    expect(answer.body.clusters[0].controlPlanes[0].tags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'prod-canary', revision: '1-24-3' }),
      ]),
    );
    const refused = await request(denied).get('/control-planes').set(header());
    expect(refused.status).toBe(403);
  });

  it('answers only what the OpenAPI document allows', () => {
    const checker = new OpenApiResponseChecker();
    expect(recorded.responses.flatMap(r => checker.problems(r))).toEqual([]);
  });
});
