import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { readMeshClusters } from './clusterConfig';

describe('readMeshClusters', () => {
  it('reads the Kubernetes plugin clusters and the per-cluster mesh settings', () => {
    const logger = mockServices.logger.mock();
    const clusters = readMeshClusters(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod',
                  url: 'https://api.prod:6443',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'secret',
                  caData: 'Q0E=',
                },
                { name: 'oidc', url: 'https://x', authProvider: 'oidc' },
              ],
            },
            { type: 'gke', projectId: 'p' },
          ],
        },
        serviceMesh: {
          clusters: {
            prod: {
              kiali: { url: 'https://kiali.prod' },
              enrollment: 'member',
            },
          },
        },
      }),
      logger,
    );
    expect(clusters).toEqual([
      {
        name: 'prod',
        url: 'https://api.prod:6443',
        serviceAccountToken: 'secret',
        caData: 'Q0E=',
        skipTLSVerify: false,
        kialiUrl: 'https://kiali.prod',
        jaegerUrl: undefined,
        grafanaUrl: undefined,
        enrollment: 'member',
      },
    ]);
    // Unsupported locators and auth providers are reported, not silently ignored.
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/'gke' is not supported/),
    );
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/'oidc'/));
  });

  it('reads a cluster whose name has dots, which config keys cannot', () => {
    const clusters = readMeshClusters(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [{ name: 'demo-istio-1.0', url: 'https://a' }],
            },
          ],
        },
        serviceMesh: { clusters: { prod: { enrollment: 'member' } } },
      }),
      mockServices.logger.mock(),
    );
    expect(clusters).toEqual([
      expect.objectContaining({
        name: 'demo-istio-1.0',
        enrollment: 'memberRoll',
      }),
    ]);
  });

  it('refuses an unknown enrollment mode', () => {
    expect(() =>
      readMeshClusters(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'config', clusters: [{ name: 'a', url: 'https://a' }] },
            ],
          },
          serviceMesh: { clusters: { a: { enrollment: 'both' } } },
        }),
        mockServices.logger.mock(),
      ),
    ).toThrow(/must be 'memberRoll' or 'member'/);
  });
});
