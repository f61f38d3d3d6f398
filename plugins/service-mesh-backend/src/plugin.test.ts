import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scenarios, startDemoCluster } from '@mesh-backstage/demo-cluster';
import request from 'supertest';
import { serviceMeshPlugin } from './plugin';
import { component, waitUntil } from './__testUtils__/demoClusters';

jest.setTimeout(60_000);

describe('serviceMeshPlugin', () => {
  it('serves mesh status for an entity from the clusters in the Kubernetes config', async () => {
    let stopScenario = () => {};
    const cluster = await startDemoCluster({
      setup: async api => {
        stopScenario = await scenarios.ossm2.setup(api, { readyDelayMs: 0 });
      },
    });
    const backend = await startTestBackend({
      features: [
        serviceMeshPlugin,
        catalogServiceMock.factory({ entities: [component('bookinfo')] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'demo-ossm2',
                      url: cluster.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: cluster.token,
                      skipTLSVerify: true,
                    },
                  ],
                },
                { type: 'gke', projectId: 'ignored' },
              ],
            },
          },
        }),
      ],
    });
    try {
      const status = async () =>
        request(backend.server)
          .get('/api/service-mesh/entities/component/default/bookinfo/status')
          .set('Authorization', mockCredentials.user.header());
      await waitUntil(async () => (await status()).body.clusters?.[0]?.synced);
      const response = await status();
      expect(response.status).toBe(200);
      expect(response.body.clusters).toHaveLength(1);
      expect(response.body.clusters[0]).toMatchObject({
        name: 'demo-ossm2',
        reachable: true,
        synced: true,
        namespaces: [
          expect.objectContaining({
            name: 'bookinfo',
            membership: expect.objectContaining({ member: true }),
          }),
        ],
      });

      // Upgrades: stored in the plugin's database and run by its runner.
      const created = await request(backend.server)
        .post('/api/service-mesh/upgrades')
        .set('Authorization', mockCredentials.user.header())
        .send({
          cluster: 'demo-ossm2',
          controlPlane: { namespace: 'istio-system' },
          fromRevision: 'basic',
          target: { type: 'version', version: 'v2.6' },
          options: { pauseAfterCanary: false },
        });
      expect(created.status).toBe(200);
      const upgrade = () =>
        request(backend.server)
          .get(`/api/service-mesh/upgrades/${created.body.id}`)
          .set('Authorization', mockCredentials.user.header());
      await waitUntil(async () => (await upgrade()).body.phase === 'Succeeded');
      expect((await upgrade()).body.pods).toEqual([
        { revision: 'basic', version: '2.6.5', pods: expect.any(Number) },
      ]);
    } finally {
      await backend.stop();
      stopScenario();
      await cluster.close();
    }
  });

  it('says a cluster is unreachable without failing the answer', async () => {
    const backend = await startTestBackend({
      features: [
        serviceMeshPlugin,
        catalogServiceMock.factory({ entities: [component('bookinfo')] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'down',
                      url: 'https://127.0.0.1:1',
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'x',
                      skipTLSVerify: true,
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      const status = async () =>
        request(backend.server)
          .get('/api/service-mesh/entities/component/default/bookinfo/status')
          .set('Authorization', mockCredentials.user.header());
      await waitUntil(async () =>
        Boolean((await status()).body.clusters?.[0]?.error),
      );
      const response = await status();
      expect(response.status).toBe(200);
      expect(response.body.clusters[0]).toMatchObject({
        name: 'down',
        reachable: false,
        synced: false,
        error: expect.stringMatching(/unreachable/i),
      });
    } finally {
      await backend.stop();
    }
  });
});
