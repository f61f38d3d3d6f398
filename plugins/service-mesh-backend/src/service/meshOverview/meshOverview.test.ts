import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  MeshClusterOverview,
  MeshOverview,
} from '@mesh-backstage/plugin-service-mesh-common';
import express from 'express';
import request from 'supertest';
import {
  component,
  RunningDemo,
  startDemoClusters,
} from '../../__testUtils__/demoClusters';
import {
  OpenApiResponseChecker,
  recordResponses,
} from '../../__testUtils__/openApiResponses';
import { DefaultServiceMeshService } from '../DefaultServiceMeshService';
import { createRouter } from '../router';
import { MeshOverviewService } from './MeshOverviewService';

jest.setTimeout(120_000);

describe('GET /mesh', () => {
  let demo: RunningDemo;
  const recorded = recordResponses();
  const catalog = catalogServiceMock({
    entities: [
      component('checkout-service'),
      component('catalog-service'),
      component('no-annotations', {}),
    ],
  });
  const getEntities = jest.spyOn(catalog, 'getEntities');

  const app = async (result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) =>
    express()
      .use(recorded.middleware)
      .use(
        await createRouter({
          httpAuth: mockServices.httpAuth(),
          permissions: mockServices.permissions({ result }),
          auditor: mockServices.auditor.mock(),
          catalog,
          serviceMesh: new DefaultServiceMeshService({
            clusters: demo.registry,
            logger: mockServices.logger.mock(),
          }),
          meshOverview: new MeshOverviewService({
            clusters: demo.registry,
            catalog,
          }),
        }),
      )
      .use(mockErrorHandler());

  beforeAll(async () => {
    demo = await startDemoClusters(['istio-revisions']);
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('shows each control plane with its revisions and tags, and each namespace with its revision, pods and owner', async () => {
    const response = await request(await app(AuthorizeResult.ALLOW)).get(
      '/mesh',
    );
    expect(response.status).toBe(200);
    const [cluster] = (response.body as MeshOverview).clusters;
    expect(cluster.name).toBe('demo-istio-revisions');
    const [controlPlane] = cluster.controlPlanes;
    expect(controlPlane.revisions.map(r => [r.name, r.version])).toEqual(
      expect.arrayContaining([
        ['1-23-1', '1.23.1'],
        ['1-24-3', '1.24.3'],
      ]),
    );
    expect(controlPlane.tags).toEqual(
      expect.arrayContaining([{ name: 'prod-stable', revision: '1-23-1' }]),
    );

    const byName = (name: string) =>
      (cluster as MeshClusterOverview).namespaces.find(n => n.name === name)!;
    const checkout = byName('checkout');
    expect(checkout.injection.effectiveRevision).toBe('1-24-3');
    expect(checkout.entityRefs).toEqual(['component:default/checkout-service']);
    expect(checkout.pods).toBeGreaterThan(0);
    expect(checkout.proxies).toEqual([
      expect.objectContaining({ revision: '1-24-3', pods: checkout.pods }),
    ]);
    const catalogNs = byName('catalog');
    expect(catalogNs.injection).toMatchObject({
      revisionLabel: 'prod-stable',
      effectiveTag: 'prod-stable',
      effectiveRevision: '1-23-1',
    });
    // Both injection labels: the domain's warning, not a new one.
    expect(byName('search').warnings.map(w => w.code)).toContain('IST0123');
    expect(byName('recommendations').entityRefs).toEqual([]);
  });

  it('asks the catalog once for entities with Kubernetes annotations, and reuses the answer', async () => {
    getEntities.mockClear();
    const router = await app(AuthorizeResult.ALLOW);
    await request(router).get('/mesh');
    await request(router).get('/mesh');
    expect(getEntities).toHaveBeenCalledTimes(1);
    expect(getEntities.mock.calls[0][0]?.filter).toHaveLength(3);
  });

  it('answers one cluster, and 404 for a cluster it does not know', async () => {
    const router = await app(AuthorizeResult.ALLOW);
    const one = await request(router).get('/mesh?cluster=demo-istio-revisions');
    expect(one.body.clusters).toHaveLength(1);
    const unknown = await request(router).get('/mesh?cluster=elsewhere');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/elsewhere/);
  });

  it('refuses users without the upgrade read permission', async () => {
    const response = await request(await app(AuthorizeResult.DENY)).get(
      '/mesh',
    );
    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(/service-mesh\.upgrade\.read/);
  });

  it('answers only what the OpenAPI document allows', () => {
    const checker = new OpenApiResponseChecker();
    expect(recorded.responses.length).toBeGreaterThanOrEqual(5);
    expect(recorded.responses.flatMap(r => checker.problems(r))).toEqual([]);
  });
});
