import { startDemoCluster } from '../DemoCluster';
import { loadKubernetesClient } from '../__testUtils__/kubernetesClient';
import { failure, useApiServer } from './__testUtils__/apiServer';

describe('KubeApiServer routing and discovery', () => {
  const api = useApiServer();

  it('serves discovery with kinds, shortNames and subresources', async () => {
    const core1 = await (await api.raw('/api/v1')).json();
    const pods = core1.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      singularName: 'pod',
    });
    expect(pods.verbs).toEqual(
      expect.arrayContaining(['list', 'watch', 'patch']),
    );
    expect(core1.resources.map((r: any) => r.name)).toContain('pods/status');

    const groups = await (await api.raw('/apis')).json();
    expect(groups.groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'admissionregistration.k8s.io',
        'apiextensions.k8s.io',
        'route.openshift.io',
        'networking.k8s.io',
      ]),
    );
    const apps = await (await api.raw('/apis/apps/v1')).json();
    expect(
      apps.resources.find((r: any) => r.name === 'deployments'),
    ).toMatchObject({
      kind: 'Deployment',
      shortNames: ['deploy'],
    });
    expect(
      (await (await fetch(`${api.cluster.url}/version`)).json()).major,
    ).toBe('1');
  });

  it('answers a missing or unknown token with a 401 Status', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer wrong' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${api.cluster.url}/api/v1/namespaces`, {
        headers,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('answers unknown paths and objects with a 404 Status', async () => {
    const unknown = await api.raw('/apis/nothing.example.com/v1/widgets');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
    });

    const missing = await failure(
      api.core.readNamespacedConfigMap({
        name: 'absent',
        namespace: 'default',
      }),
    );
    expect(missing).toMatchObject({
      code: 404,
      status: {
        kind: 'Status',
        reason: 'NotFound',
        message: 'configmaps "absent" not found',
      },
    });
  });

  it('serves a resource as soon as its CRD is created, with printer columns', async () => {
    const extensions = api.kc.makeApiClient(api.k8s.ApiextensionsV1Api);
    const crd = await extensions.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.demo.example.com' },
        spec: {
          group: 'demo.example.com',
          scope: 'Namespaced',
          names: {
            kind: 'Widget',
            plural: 'widgets',
            singular: 'widget',
            shortNames: ['wdg'],
          },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  x_kubernetes_preserve_unknown_fields: true,
                },
              },
              subresources: { status: {} },
              additionalPrinterColumns: [
                { name: 'Members', type: 'string', jsonPath: '.spec.members' },
                { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
              ],
            },
          ],
        },
      },
    });
    expect(crd.status?.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Established', status: 'True' }),
      ]),
    );
    const discovery = await (await api.raw('/apis/demo.example.com/v1')).json();
    expect(discovery.resources.map((r: any) => r.name)).toEqual([
      'widgets',
      'widgets/status',
    ]);

    const custom = api.kc.makeApiClient(api.k8s.CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'demo.example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: {
        apiVersion: 'demo.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { members: ['a', 'b'] },
      },
    });
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: 'demo.example.com',
        version: 'v1',
        namespace: 'default',
        plural: 'widgets',
        name: 'w',
        body: { status: { phase: 'Ready' } },
      },
      api.k8s.setHeaderOptions(
        'Content-Type',
        api.k8s.PatchStrategy.MergePatch,
      ),
    );

    const table = await (
      await api.raw('/apis/demo.example.com/v1/namespaces/default/widgets', {
        headers: {
          Accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      })
    ).json();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Members',
      'Phase',
    ]);
    expect(table.rows[0].cells).toEqual(['w', '[a b]', 'Ready']);
    expect(table.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'w' },
    });
  });
});

describe('KubeApiServer transport', () => {
  const k8s = loadKubernetesClient();

  it('serves HTTPS with the CA data it hands out', async () => {
    const cluster = await startDemoCluster({ tls: true });
    try {
      expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(JSON.stringify(cluster.kubeconfig('tls')));
      const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      expect(namespaces.items.map(ns => ns.metadata?.name)).toEqual([
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
      ]);
    } finally {
      await cluster.close();
    }
  });

  it('serves the fault API only when asked to', async () => {
    const cluster = await startDemoCluster();
    try {
      const response = await fetch(`${cluster.url}/demo-cluster/faults`, {
        headers: { Authorization: `Bearer ${cluster.token}` },
      });
      expect(response.status).toBe(404);
    } finally {
      await cluster.close();
    }
  });
});
