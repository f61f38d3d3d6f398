import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  bookinfoInMesh,
  injectorNotReadyConflict,
  restartPlan,
} from '../__fixtures__/meshStatus';
import { ServiceMeshClient } from './ServiceMeshClient';

const BASE = 'http://localhost:7007/api/service-mesh';
const bookinfo = { kind: 'Component', namespace: 'default', name: 'bookinfo' };

describe('ServiceMeshClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ServiceMeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });

  it('reads the status of an entity from its ref', async () => {
    const status = bookinfoInMesh(new Date('2025-05-06T10:00:00Z'));
    server.use(
      http.get(`${BASE}/entities/Component/default/bookinfo/status`, () =>
        HttpResponse.json(status),
      ),
    );

    await expect(client.getEntityStatus(bookinfo)).resolves.toEqual(status);
  });

  it('escapes the parts of the entity ref', async () => {
    let path: string | undefined;
    server.use(
      http.get(`${BASE}/entities/*`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({ entityRef: 'x', clusters: [] });
      }),
    );

    await client.getEntityStatus({
      kind: 'Component',
      namespace: 'team a',
      name: 'x/y',
    });

    expect(path).toBe(
      '/api/service-mesh/entities/Component/team%20a/x%2Fy/status',
    );
  });

  it('posts an action with its JSON body and returns the plan', async () => {
    let body: unknown;
    server.use(
      http.post(
        `${BASE}/entities/Component/default/bookinfo/actions/restart`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json(restartPlan);
        },
      ),
    );

    const response = await client.runAction(bookinfo, 'restart', {
      cluster: 'demo-istio-revisions',
      namespace: 'search',
      dryRun: true,
      workloads: [{ kind: 'Deployment', name: 'search-indexer' }],
    });

    expect(body).toEqual({
      cluster: 'demo-istio-revisions',
      namespace: 'search',
      dryRun: true,
      workloads: [{ kind: 'Deployment', name: 'search-indexer' }],
    });
    expect(response.podsToReplace).toEqual(restartPlan.podsToReplace);
  });

  it('throws a ResponseError carrying the backend error body', async () => {
    server.use(
      http.post(
        `${BASE}/entities/Component/default/bookinfo/actions/switchRevision`,
        () => HttpResponse.json(injectorNotReadyConflict, { status: 409 }),
      ),
    );

    const error = await client
      .runAction(bookinfo, 'switchRevision', {
        cluster: 'demo-istio-revisions',
        namespace: 'search',
        revision: '1-24-3',
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.name).toBe('ConflictError');
    expect(error.body.error.message).toMatch(/retry with force/);
  });

  it('throws a ResponseError when the status cannot be read', async () => {
    server.use(
      http.get(`${BASE}/entities/Component/default/bookinfo/status`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'Not allowed: service-mesh.status.read on component:default/bookinfo',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );

    await expect(client.getEntityStatus(bookinfo)).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
    });
  });
});
