import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ServiceMeshClient } from './ServiceMeshClient';

const baseUrl = 'http://backend.test/api/service-mesh';
const server = setupServer();

describe('ServiceMeshClient', () => {
  registerMswTestHooks(server);

  const client = new ServiceMeshClient({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => baseUrl,
    }),
    auth: mockServices.auth(),
  });
  const credentials = mockCredentials.user('user:default/jane');

  it('calls an action on behalf of the user, with the entity in the path', async () => {
    let seen: { auth: string | null; body: unknown } | undefined;
    server.use(
      http.post(
        `${baseUrl}/entities/component/default/checkout/actions/enroll`,
        async ({ request }) => {
          seen = {
            auth: request.headers.get('authorization'),
            body: await request.json(),
          };
          return HttpResponse.json({
            dryRun: true,
            applied: false,
            change: { operations: [] },
          });
        },
      ),
    );
    const answer = await client.runAction(
      'enroll',
      'Component:default/checkout',
      { cluster: 'c1', namespace: 'checkout', dryRun: true },
      { credentials },
    );
    expect(answer.applied).toBe(false);
    expect(seen?.body).toEqual({
      cluster: 'c1',
      namespace: 'checkout',
      dryRun: true,
    });
    // A plugin request token on behalf of jane, for service-mesh.
    expect(seen?.auth).toBe(
      mockCredentials.service.header({
        onBehalfOf: credentials,
        targetPluginId: 'service-mesh',
      }),
    );
  });

  it('throws the backend error with its status and message', async () => {
    server.use(
      http.post(`${baseUrl}/namespaces`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Not allowed: x' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(
      client.provisionNamespace(
        { cluster: 'c1', namespace: 'n', entityRef: 'component:default/n' },
        { credentials },
      ),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      message: expect.stringContaining('Not allowed: x'),
    });
  });
});
