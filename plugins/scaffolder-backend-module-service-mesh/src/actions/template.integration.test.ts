import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DemoCluster,
  scenarios,
  startDemoCluster,
} from '@mesh-backstage/demo-cluster';
// The real backend plugin under test, which a module never imports otherwise.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import serviceMeshPlugin from '@mesh-backstage/plugin-service-mesh-backend';
import { ServiceMeshClient } from '@mesh-backstage/plugin-service-mesh-node';
import fs from 'node:fs';
import path from 'node:path';
import { contextWithCheckpoints } from '../__testUtils__/actionContexts';
import { createApplyManifestsAction } from './applyManifests';
import { createSidecarEgressAction } from './egress';
import { createEnrollAction } from './enroll';
import { createWaitAction } from './wait';

jest.setTimeout(120_000);

const cases = [
  { flavour: 'istio-revisions', revision: 'prod-canary', expected: '1-24-3' },
  { flavour: 'sail', revision: 'default', expected: 'default-v1-24-3' },
  // OSSM 2 has no revisions to choose: sidecars come from its control plane.
  { flavour: 'ossm2', revision: undefined, expected: expect.any(String) },
];

/** The skeleton's manifests, as fetch:template renders them for `name`. */
function renderSkeleton(workspace: string, name: string) {
  const skeleton = path.resolve(
    __dirname,
    '../../../../templates/meshed-service/skeleton/kubernetes',
  );
  fs.mkdirSync(path.join(workspace, 'kubernetes'), { recursive: true });
  for (const file of ['deployment.yaml', 'service.yaml']) {
    const text = fs
      .readFileSync(path.join(skeleton, file), 'utf8')
      .replace(/\$\{\{ *values\.name *\}\}/g, name)
      .replace(/\$\{\{ *values\.namespace *\}\}/g, name);
    fs.writeFileSync(path.join(workspace, 'kubernetes', file), text);
  }
}

describe.each(cases)(
  'the Meshed service template on $flavour',
  ({ flavour, revision, expected }) => {
    let cluster: DemoCluster;
    let stop: () => void;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let client: ServiceMeshClient;
    const clusterName = `demo-${flavour}`;

    beforeAll(async () => {
      cluster = await startDemoCluster({
        setup: async (api, faults) => {
          stop = await scenarios[flavour].setup(api, {
            faults,
            readyDelayMs: 0,
          });
        },
      });
      backend = await startTestBackend({
        features: [
          serviceMeshPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({
            data: {
              kubernetes: {
                clusterLocatorMethods: [
                  {
                    type: 'config',
                    clusters: [
                      {
                        name: clusterName,
                        url: cluster.url,
                        authProvider: 'serviceAccount',
                        serviceAccountToken: cluster.token,
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
      const port = (backend.server.address() as { port: number }).port;
      client = new ServiceMeshClient({
        discovery: mockServices.discovery.mock({
          getBaseUrl: async () => `http://localhost:${port}/api/service-mesh`,
        }),
        auth: mockServices.auth(),
      });
    });

    afterAll(async () => {
      await backend?.stop();
      stop?.();
      await cluster?.close();
    });

    it('creates, enrolls and egress-limits a new service whose pods run with sidecars on the chosen revision', async () => {
      const started = performance.now();
      const name = `checkout-${flavour.replace(/[^a-z0-9]/g, '')}`;
      const target = {
        entityRef: `component:default/${name}`,
        cluster: clusterName,
        namespace: name,
      };
      const checkpoints = new Map<string, unknown>();
      const workspacePath = fs.mkdtempSync(path.join(__dirname, '.ws-'));
      const run = async (action: any, input: Record<string, unknown>) => {
        const ctx = contextWithCheckpoints(input, checkpoints, {
          workspacePath,
          getInitiatorCredentials: async () =>
            mockCredentials.user('user:default/jane'),
        });
        await action.handler(ctx);
        return Object.fromEntries(
          (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
        );
      };
      try {
        renderSkeleton(workspacePath, name);
        const serviceMesh = client;
        // The caches fill in the background after start.
        await waitForSynced(client, target);

        const enrolled = await run(createEnrollAction({ serviceMesh }), {
          ...target,
          revision,
          createNamespace: true,
        });
        expect(enrolled.namespaceCreated).toBe(true);
        expect(enrolled.applied).toBe(true);

        const applied = await run(createApplyManifestsAction({ serviceMesh }), {
          ...target,
          files: ['kubernetes/deployment.yaml', 'kubernetes/service.yaml'],
        });
        expect(applied.operations).toEqual([
          `Create Deployment ${name}/${name}`,
          `Create Service ${name}/${name}`,
        ]);

        const egress = await run(createSidecarEgressAction({ serviceMesh }), {
          ...target,
        });
        expect(egress.applied).toBe(true);

        const waited = await run(createWaitAction({ serviceMesh }), {
          ...target,
          revision,
          timeoutSeconds: 60,
          intervalSeconds: 0.2,
        });
        expect(waited.workloads).toBe(1);
        expect(waited.revision).toEqual(expected);

        const pods = cluster.api.list(
          { group: '', plural: 'pods' },
          { namespace: name },
        ) as any[];
        expect(pods.length).toBeGreaterThan(0);
        expect(
          pods.every(p =>
            [...(p.spec.initContainers ?? []), ...p.spec.containers].some(
              (c: any) => c.name === 'istio-proxy',
            ),
          ),
        ).toBe(true);
        // eslint-disable-next-line no-console
        console.log(
          `[template-suite] ${flavour}: steps ran in ${(
            (performance.now() - started) /
            1000
          ).toFixed(1)} s`,
        );
      } finally {
        fs.rmSync(workspacePath, { recursive: true, force: true });
      }
    });

    it('offers the control planes for the revision picker', async () => {
      const port = (backend.server.address() as { port: number }).port;
      const answer = await fetch(
        `http://localhost:${port}/api/service-mesh/control-planes`,
        { headers: { Authorization: mockCredentials.user.header() } },
      );
      expect(answer.status).toBe(200);
      const { clusters } = await answer.json();
      expect(clusters).toEqual([
        expect.objectContaining({ name: clusterName, synced: true }),
      ]);
      const [controlPlane] = clusters[0].controlPlanes;
      expect(controlPlane.flavour).toBe(
        { 'istio-revisions': 'istio', sail: 'sail', ossm2: 'ossm2' }[flavour],
      );
      // OSSM 2 has no revisions or tags to offer.
      expect(
        [...controlPlane.tags, ...controlPlane.revisions].map(
          (r: { name: string }) => r.name,
        ),
      ).toEqual(expect.arrayContaining(revision ? [revision] : []));
    });

    it('refuses a namespace that exists and was not provisioned for the entity, writing nothing', async () => {
      const before = cluster.api.writeCount();
      await expect(
        client.provisionNamespace(
          {
            cluster: clusterName,
            namespace: 'kube-system',
            entityRef: 'component:default/intruder',
          },
          { credentials: mockCredentials.user('user:default/jane') },
        ),
      ).rejects.toMatchObject({ statusCode: 403 });
      await expect(
        client.provisionNamespace(
          {
            cluster: clusterName,
            namespace: 'default',
            entityRef: 'component:default/intruder',
          },
          { credentials: mockCredentials.user('user:default/jane') },
        ),
      ).rejects.toMatchObject({ statusCode: 409 });
      expect(cluster.api.writeCount()).toBe(before);
    });
  },
);

/** Until the plugin's cache of the cluster is synced (503 before). */
async function waitForSynced(
  client: ServiceMeshClient,
  target: { cluster: string; namespace: string; entityRef: string },
) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await client.provisionNamespace(
        { ...target, dryRun: true },
        { credentials: mockCredentials.user('user:default/jane') },
      );
      return;
    } catch (error: any) {
      if (error.statusCode !== 503) throw error;
    }
    if (Date.now() > deadline) throw new Error('backend not ready');
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
