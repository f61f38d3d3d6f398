import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { serviceMeshStatusReadPermission } from '@mesh-backstage/plugin-service-mesh-common';
import express from 'express';
import request from 'supertest';
import {
  ownedEntity as entity,
  ownersDecision,
  recordingPermissions,
} from '../__testUtils__/permissionPolicies';
import { createRouter } from './router';
import type { ServiceMeshService } from './types';

/** The showcase app's policy shape: anyone reads status, owners act. */
function ownersPolicy(claims: string[]) {
  const { permissions, calls } = recordingPermissions(permission =>
    permission === serviceMeshStatusReadPermission
      ? { result: AuthorizeResult.ALLOW }
      : ownersDecision(claims)(permission),
  );
  return {
    permissions,
    /** The round trips so far, as `<method> <permissions asked>`. */
    calls: () => calls.map(c => `${c.method} ${c.requests.length}`),
  };
}

async function app(claims: string[]) {
  const policy = ownersPolicy(claims);
  const catalog = catalogServiceMock({ entities: [entity] });
  const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
  const runAction = jest.fn(
    async () =>
      ({ dryRun: false, applied: true, change: { operations: [] } } as any),
  );
  const serviceMesh: ServiceMeshService = {
    getStatus: async () => ({
      entityRef: 'component:default/checkout',
      clusters: [],
    }),
    runAction,
  };
  const server = express()
    .use(
      await createRouter({
        httpAuth: mockServices.httpAuth(),
        permissions: policy.permissions,
        auditor: mockServices.auditor.mock(),
        catalog,
        serviceMesh,
      }),
    )
    .use(mockErrorHandler());
  return { server, calls: policy.calls, getEntityByRef, runAction };
}

describe('service-mesh router permission round trips', () => {
  it('reads a status with one catalog fetch and one permission round trip', async () => {
    const { server, calls, getEntityByRef } = await app([]);
    const response = await request(server)
      .get('/entities/component/default/checkout/status')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(calls()).toEqual(['authorizeConditional 1']);
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
  });

  it('lets an owner force an action, deciding both permissions in one round trip on the fetched entity', async () => {
    const { server, calls, getEntityByRef, runAction } = await app([
      'group:default/team-a',
    ]);
    const response = await request(server)
      .post('/entities/component/default/checkout/actions/enroll')
      .set('Authorization', mockCredentials.user.header())
      .send({ cluster: 'demo', namespace: 'checkout', force: true });
    expect(calls()).toEqual(['authorizeConditional 2']);
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    expect(runAction).toHaveBeenCalledTimes(1);
    expect(response.status).toBe(200);
  });

  it('refuses someone else, naming every permission denied, and runs nothing', async () => {
    const { server, calls, runAction } = await app(['group:default/team-b']);
    const response = await request(server)
      .post('/entities/component/default/checkout/actions/enroll')
      .set('Authorization', mockCredentials.user.header())
      .send({ cluster: 'demo', namespace: 'checkout', force: true });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'service-mesh.namespace.enroll, service-mesh.force on component:default/checkout',
    );
    expect(calls()).toEqual(['authorizeConditional 2']);
    expect(runAction).not.toHaveBeenCalled();
  });
});
