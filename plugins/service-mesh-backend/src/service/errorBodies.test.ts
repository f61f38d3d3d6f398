import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { component } from '../__testUtils__/demoClusters';
import {
  OpenApiResponseChecker,
  recordResponses,
} from '../__testUtils__/openApiResponses';
import { createRouter } from './router';
import type { ServiceMeshService } from './types';

const STATUS = '/entities/component/default/orders-service/status';
const ENROLL = '/entities/component/default/orders-service/actions/enroll';

/**
 * Error bodies as Backstage's root error handler renders them: it decides
 * whether to include stack traces from NODE_ENV when it is created.
 */
async function appIn(nodeEnv: string, mountPath = '/') {
  const serviceMesh: ServiceMeshService = {
    getStatus: async () => {
      throw new Error('cache exploded');
    },
    runAction: async () => {
      throw new Error('unreachable');
    },
  };
  const recorded = recordResponses();
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    const errorHandler = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error();
    const app = express()
      .use(recorded.middleware)
      .use(
        mountPath,
        await createRouter({
          httpAuth: mockServices.httpAuth(),
          permissions: mockServices.permissions({
            result: AuthorizeResult.ALLOW,
          }),
          auditor: mockServices.auditor.mock(),
          catalog: catalogServiceMock({
            entities: [component('orders-service')],
          }),
          serviceMesh,
        }),
      )
      .use(errorHandler);
    return { app, recorded };
  } finally {
    process.env.NODE_ENV = previous;
  }
}

describe('error bodies', () => {
  it('carry no stack trace when the backend runs with NODE_ENV=production', async () => {
    const { app, recorded } = await appIn('production');

    const badInput = await request(app)
      .post(ENROLL)
      .send({ cluster: 1, namespace: 'orders' });
    const internal = await request(app).get(STATUS);

    expect(badInput.status).toBe(400);
    expect(badInput.body.error).toEqual({
      name: 'InputError',
      message: expect.stringMatching(/cluster must be string/),
    });
    expect(internal.status).toBe(500);
    expect(internal.body.error).toEqual({
      name: 'Error',
      message: 'cache exploded',
    });
    for (const response of [badInput, internal]) {
      expect(response.text).not.toMatch(/"stack"|\.ts:\d+|at \S+ \(/);
    }
    // The 400 is part of the contract (a 500 is the backend failing).
    const checker = new OpenApiResponseChecker();
    expect(checker.problems(recorded.responses[0])).toEqual([]);
  });

  it('carry the stack trace only in development, so the check above can fail', async () => {
    const { app } = await appIn('development');

    const response = await request(app).get(STATUS);

    expect(response.status).toBe(500);
    expect(response.body.error.stack).toMatch(/cache exploded\n\s+at /);
  });

  it('come from the OpenAPI validation under the plugin base path too', async () => {
    const { app } = await appIn('production', '/api/service-mesh');

    const response = await request(app)
      .post(`/api/service-mesh${ENROLL}`)
      .send({ cluster: 'c', namespace: 'Orders' });

    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /request\/body\/namespace must match pattern/,
    );
  });
});
