import type {
  CoreV1Api,
  KubeConfig,
  V1ConfigMap,
} from '@kubernetes/client-node';
import { DemoCluster, startDemoCluster } from '../DemoCluster';
import {
  KubernetesClient as K8s,
  loadKubernetesClient,
} from '../__testUtils__/kubernetesClient';

const CONFIGMAPS = { group: '', plural: 'configmaps' };

async function waitFor<T>(
  condition: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** The Status body of a failed client call, whatever shape the client left it in. */
async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const { code, body } = error as { code: number; body: unknown };
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    return { code, status };
  }
  throw new Error('expected the call to fail');
}

describe('KubeApiServer through @kubernetes/client-node', () => {
  let k8s: K8s;
  let cluster: DemoCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;

  const raw = (path: string, init: RequestInit = {}) =>
    fetch(`${cluster.url}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${cluster.token}`,
        ...(init.headers as Record<string, string>),
      },
    });

  const configMap = (name: string, data: Record<string, string> = {}) =>
    ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default' },
      data,
    } satisfies V1ConfigMap);

  beforeAll(async () => {
    k8s = loadKubernetesClient();
    cluster = await startDemoCluster({ bookmarkIntervalMs: 100, faults: true });
    kc = new k8s.KubeConfig();
    kc.loadFromString(JSON.stringify(cluster.kubeconfig('demo')));
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    await cluster.close();
  });

  afterEach(() => {
    cluster.faults.clear();
  });

  it('serves discovery with kinds, shortNames and subresources', async () => {
    const core1 = await (await raw('/api/v1')).json();
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

    const groups = await (await raw('/apis')).json();
    expect(groups.groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'admissionregistration.k8s.io',
        'apiextensions.k8s.io',
        'route.openshift.io',
        'networking.k8s.io',
      ]),
    );
    const apps = await (await raw('/apis/apps/v1')).json();
    expect(
      apps.resources.find((r: any) => r.name === 'deployments'),
    ).toMatchObject({
      kind: 'Deployment',
      shortNames: ['deploy'],
    });
    expect((await (await fetch(`${cluster.url}/version`)).json()).major).toBe(
      '1',
    );
  });

  it('answers a missing or unknown token with a 401 Status', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer wrong' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${cluster.url}/api/v1/namespaces`, {
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
    const unknown = await raw('/apis/nothing.example.com/v1/widgets');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
    });

    const missing = await failure(
      core.readNamespacedConfigMap({ name: 'absent', namespace: 'default' }),
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

  it('creates, reads, updates and deletes', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('crud', { a: '1' }),
    });
    expect(created.metadata?.uid).toBeDefined();
    const read = await core.readNamespacedConfigMap({
      name: 'crud',
      namespace: 'default',
    });
    expect(read.data).toEqual({ a: '1' });

    const replaced = await core.replaceNamespacedConfigMap({
      name: 'crud',
      namespace: 'default',
      body: { ...read, data: { a: '2' } },
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );
    expect(
      await failure(
        core.createNamespacedConfigMap({
          namespace: 'default',
          body: configMap('crud'),
        }),
      ),
    ).toMatchObject({ code: 409, status: { reason: 'AlreadyExists' } });

    await core.deleteNamespacedConfigMap({
      name: 'crud',
      namespace: 'default',
    });
    expect(cluster.api.get(CONFIGMAPS, 'default', 'crud')).toBeUndefined();
  });

  it('does not store dry-run writes', async () => {
    const writes = cluster.api.writeCount();
    const dry = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('dry'),
      dryRun: 'All',
    });
    expect(dry.metadata?.name).toBe('dry');
    expect(cluster.api.get(CONFIGMAPS, 'default', 'dry')).toBeUndefined();
    expect(cluster.api.writeCount()).toBe(writes);
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('stale', { v: '1' }),
    });
    await core.replaceNamespacedConfigMap({
      name: 'stale',
      namespace: 'default',
      body: { ...created, data: { v: '2' } },
    });
    const conflict = await failure(
      core.replaceNamespacedConfigMap({
        name: 'stale',
        namespace: 'default',
        body: { ...created, data: { v: '3' } },
      }),
    );
    expect(conflict).toMatchObject({
      code: 409,
      status: { kind: 'Status', reason: 'Conflict' },
    });
    expect(cluster.api.get(CONFIGMAPS, 'default', 'stale')?.data).toEqual({
      v: '2',
    });
  });

  it('answers a failed JSON patch test op with 422 and leaves the object alone', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('jp', { v: '1' }),
    });
    const before = cluster.api.get(CONFIGMAPS, 'default', 'jp');
    const options = k8s.setHeaderOptions(
      'Content-Type',
      k8s.PatchStrategy.JsonPatch,
    );

    const failed = await failure(
      core.patchNamespacedConfigMap(
        {
          name: 'jp',
          namespace: 'default',
          body: [
            { op: 'test', path: '/data/v', value: 'other' },
            { op: 'replace', path: '/data/v', value: 'changed' },
          ],
        },
        options,
      ),
    );
    expect(failed).toMatchObject({
      code: 422,
      status: { kind: 'Status', reason: 'Invalid' },
    });
    expect(cluster.api.get(CONFIGMAPS, 'default', 'jp')).toEqual(before);

    const patched = await core.patchNamespacedConfigMap(
      {
        name: 'jp',
        namespace: 'default',
        body: [
          { op: 'test', path: '/data/v', value: '1' },
          { op: 'replace', path: '/data/v', value: 'changed' },
        ],
      },
      options,
    );
    expect(patched.data).toEqual({ v: 'changed' });
  });

  it('applies merge patches and strategic merge patches of labels', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: {
        ...configMap('mp', { a: '1', b: '2' }),
        metadata: { name: 'mp', labels: { keep: 'yes' } },
      },
    });
    const merged = await core.patchNamespacedConfigMap(
      { name: 'mp', namespace: 'default', body: { data: { a: null, c: '3' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ b: '2', c: '3' });

    const labelled = await core.patchNamespace(
      {
        name: 'default',
        body: { metadata: { labels: { 'istio-injection': 'enabled' } } },
      },
      k8s.setHeaderOptions(
        'Content-Type',
        k8s.PatchStrategy.StrategicMergePatch,
      ),
    );
    expect(labelled.metadata?.labels).toEqual({ 'istio-injection': 'enabled' });
    const relabelled = await core.patchNamespace(
      {
        name: 'default',
        body: {
          metadata: {
            labels: { 'istio-injection': null, 'istio.io/rev': 'canary' },
          },
        },
      },
      k8s.setHeaderOptions(
        'Content-Type',
        k8s.PatchStrategy.StrategicMergePatch,
      ),
    );
    expect(relabelled.metadata?.labels).toEqual({ 'istio.io/rev': 'canary' });
  });

  it('pages lists with limit and continue', async () => {
    await core.createNamespace({ body: { metadata: { name: 'paging' } } });
    for (let i = 0; i < 25; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'paging',
        body: { metadata: { name: `cm-${String(i).padStart(2, '0')}` } },
      });
    }
    const names: string[] = [];
    const resourceVersions = new Set<string | undefined>();
    const remainingCounts: Array<number | undefined> = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: 'paging',
        limit: 10,
        _continue: token,
      });
      pages++;
      names.push(...page.items.map(item => item.metadata!.name!));
      resourceVersions.add(page.metadata?.resourceVersion);
      token = page.metadata?._continue;
      remainingCounts.push(page.metadata?.remainingItemCount);
    } while (token);
    expect(pages).toBe(3);
    expect(remainingCounts).toEqual([15, 5, undefined]);
    expect(names).toEqual(
      Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, '0')}`),
    );
    expect(resourceVersions.size).toBe(1);
  });

  it('filters by label and field selectors across namespaces', async () => {
    await core.createNamespace({ body: { metadata: { name: 'sel-a' } } });
    await core.createNamespace({ body: { metadata: { name: 'sel-b' } } });
    const pod = (
      namespace: string,
      name: string,
      labels: Record<string, string>,
    ) =>
      core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name, labels },
          spec: { containers: [{ name: 'app', image: 'app:1' }] },
        },
      });
    await pod('sel-a', 'web', { app: 'x', tier: 'web' });
    await pod('sel-a', 'db', { app: 'y' });
    await pod('sel-b', 'web', { app: 'x' });
    const names = (list: {
      items: Array<{ metadata?: { namespace?: string; name?: string } }>;
    }) => list.items.map(p => `${p.metadata?.namespace}/${p.metadata?.name}`);

    expect(
      names(await core.listPodForAllNamespaces({ labelSelector: 'app=x' })),
    ).toEqual(['sel-a/web', 'sel-b/web']);
    expect(
      names(
        await core.listPodForAllNamespaces({
          labelSelector: 'app in (x,y),!tier',
        }),
      ),
    ).toEqual(['sel-a/db', 'sel-b/web']);
    expect(
      names(
        await core.listPodForAllNamespaces({
          fieldSelector: 'metadata.name=web,metadata.namespace!=sel-a',
        }),
      ),
    ).toEqual(['sel-b/web']);
  });

  it('feeds an informer with adds, updates and deletes', async () => {
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    const informer = k8s.makeInformer(
      kc,
      '/api/v1/namespaces/informed/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'informed' }),
    );
    const seen: string[] = [];
    informer.on('add', obj => seen.push(`add ${obj.metadata?.name}`));
    informer.on('update', obj => seen.push(`update ${obj.metadata?.name}`));
    informer.on('delete', obj => seen.push(`delete ${obj.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'informed',
        body: { metadata: { name: 'one' } },
      });
      await waitFor(() => seen.includes('add one'), 'the add');
      await core.patchNamespacedConfigMap(
        { name: 'one', namespace: 'informed', body: { data: { a: '1' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await waitFor(() => seen.includes('update one'), 'the update');
      await core.deleteNamespacedConfigMap({
        name: 'one',
        namespace: 'informed',
      });
      await waitFor(() => seen.includes('delete one'), 'the delete');
      expect(seen).toEqual(['add one', 'update one', 'delete one']);
      expect(informer.list('informed')).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('sends BOOKMARK events when asked', async () => {
    const watch = new k8s.Watch(kc);
    const events: Array<{ type: string; rv?: string }> = [];
    const request = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      {
        allowWatchBookmarks: true,
        resourceVersion: cluster.store.resourceVersion(),
      },
      (type, object) =>
        events.push({ type, rv: object.metadata?.resourceVersion }),
      () => undefined,
    );
    try {
      await cluster.api.create(CONFIGMAPS, configMap('bookmarked'));
      const bookmark = await waitFor(
        () =>
          events.find(e => e.type === 'BOOKMARK' && events[0].type === 'ADDED'),
        'a bookmark after the change',
      );
      expect(Number(bookmark.rv)).toBeGreaterThanOrEqual(Number(events[0].rv));
    } finally {
      request.abort();
    }
  });

  it('streams a list with sendInitialEvents, ending it with a marked bookmark', async () => {
    await cluster.api.create(CONFIGMAPS, configMap('streamed-a'));
    await cluster.api.create(CONFIGMAPS, configMap('streamed-b'));
    const watch = new k8s.Watch(kc);
    const events: Array<{
      type: string;
      name?: string;
      rv?: string;
      annotations?: Record<string, string>;
    }> = [];
    const request = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      {
        sendInitialEvents: true,
        resourceVersionMatch: 'NotOlderThan',
        allowWatchBookmarks: true,
        fieldSelector: 'metadata.name=streamed-a',
      },
      (type, object) =>
        events.push({
          type,
          name: object.metadata?.name,
          rv: object.metadata?.resourceVersion,
          annotations: object.metadata?.annotations,
        }),
      () => undefined,
    );
    try {
      await waitFor(
        () => events.some(e => e.type === 'BOOKMARK'),
        'the initial-events-end bookmark',
      );
      expect(events.slice(0, 2)).toEqual([
        expect.objectContaining({ type: 'ADDED', name: 'streamed-a' }),
        {
          type: 'BOOKMARK',
          name: undefined,
          rv: cluster.store.resourceVersion(),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      ]);
      const existing = cluster.api.get(CONFIGMAPS, 'default', 'streamed-a')!;
      await cluster.api.update(CONFIGMAPS, { ...existing, data: { x: '1' } });
      await waitFor(
        () => events.find(e => e.type === 'MODIFIED'),
        'the change after the initial events',
      );
    } finally {
      request.abort();
    }

    // Without bookmarks the end of the initial events cannot be told: 422.
    const refused = await raw(
      '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true',
    );
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ reason: 'Invalid' });
  });

  it('ends a watch after timeoutSeconds', async () => {
    const watch = new k8s.Watch(kc);
    let done = false;
    await watch.watch(
      '/api/v1/namespaces',
      { timeoutSeconds: 1, resourceVersion: cluster.store.resourceVersion() },
      () => undefined,
      () => {
        done = true;
      },
    );
    expect(await waitFor(() => done, 'the watch to end')).toBe(true);
  });

  it('serves a resource as soon as its CRD is created, with printer columns', async () => {
    const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
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
    const discovery = await (await raw('/apis/demo.example.com/v1')).json();
    expect(discovery.resources.map((r: any) => r.name)).toEqual([
      'widgets',
      'widgets/status',
    ]);

    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
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
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );

    const table = await (
      await raw('/apis/demo.example.com/v1/namespaces/default/widgets', {
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

  it('prints pods, deployments and namespaces as tables, v1 and v1beta1', async () => {
    await core.createNamespace({ body: { metadata: { name: 'tables' } } });
    await core.createNamespacedPod({
      namespace: 'tables',
      body: {
        metadata: { name: 'p' },
        spec: {
          containers: [
            { name: 'a', image: 'a' },
            { name: 'b', image: 'b' },
          ],
        },
      },
    });
    cluster.api.patch(
      { group: '', plural: 'pods' },
      'tables',
      'p',
      'application/merge-patch+json',
      {
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 2 },
            { name: 'b', ready: false, restartCount: 1 },
          ],
        },
      },
      { subresource: 'status' },
    );
    const pods = await (
      await raw('/api/v1/pods?labelSelector=', {
        headers: {
          Accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
        },
      })
    ).json();
    expect(pods.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(pods.columnDefinitions.map((c: any) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    const row = pods.rows.find(
      (r: any) => r.object.metadata.namespace === 'tables',
    );
    expect(row.cells.slice(0, 4)).toEqual(['p', '1/2', 'Running', 3]);

    const namespaces = await (
      await raw('/api/v1/namespaces/tables', {
        headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      })
    ).json();
    expect(namespaces.rows[0].cells.slice(0, 2)).toEqual(['tables', 'Active']);
  });

  it('applies all of 50 concurrent read-modify-write updates with retry on 409', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('counter'),
    });
    let conflicts = 0;
    const writer = async (i: number) => {
      for (;;) {
        const current = await core.readNamespacedConfigMap({
          name: 'counter',
          namespace: 'default',
        });
        try {
          await core.replaceNamespacedConfigMap({
            name: 'counter',
            namespace: 'default',
            body: {
              ...current,
              data: { ...current.data, [`writer-${i}`]: 'done' },
            },
          });
          return;
        } catch (error) {
          if ((error as { code?: number }).code !== 409) throw error;
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer(i)));
    const final = cluster.api.get(CONFIGMAPS, 'default', 'counter')!;
    expect(Object.keys(final.data as object)).toHaveLength(50);
    // Interleaved writers must have collided; otherwise the test proves nothing.
    expect(conflicts).toBeGreaterThan(0);
  }, 60_000);

  it('injects faults: errors with Retry-After, failNext and latency', async () => {
    cluster.faults.add({
      plural: 'configmaps',
      verb: 'list',
      errorCode: 429,
      retryAfterSeconds: 3,
      failNext: 1,
    });
    const throttled = await raw('/api/v1/namespaces/default/configmaps');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(await throttled.json()).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      code: 429,
    });
    expect((await raw('/api/v1/namespaces/default/configmaps')).status).toBe(
      200,
    );

    const added = await raw('/demo-cluster/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        group: 'apps',
        plural: 'deployments',
        errorCode: 500,
      }),
    });
    expect(added.status).toBe(201);
    const refused = await raw('/apis/apps/v1/deployments');
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ kind: 'Status', code: 500 });
    expect(
      (await (await raw('/demo-cluster/faults')).json()).rules,
    ).toHaveLength(1);
    expect(
      (await raw('/demo-cluster/faults', { method: 'DELETE' })).status,
    ).toBe(200);
    expect((await raw('/apis/apps/v1/deployments')).status).toBe(200);

    const unauthenticated = await fetch(`${cluster.url}/demo-cluster/faults`);
    expect(unauthenticated.status).toBe(401);
  });

  it('drops watch streams on demand', async () => {
    const watch = new k8s.Watch(kc);
    let ended = false;
    await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: cluster.store.resourceVersion() },
      () => undefined,
      () => {
        ended = true;
      },
    );
    await waitFor(
      () => cluster.faults.dropWatches(CONFIGMAPS) > 0,
      'the watch to open',
    );
    expect(await waitFor(() => ended, 'the watch to end')).toBe(true);
  });
});

describe('KubeApiServer history and transport', () => {
  let k8s: K8s;

  beforeAll(async () => {
    k8s = loadKubernetesClient();
  });

  it('answers a watch older than the history with 410, and the informer relists', async () => {
    const cluster = await startDemoCluster({ historySize: 5 });
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromString(JSON.stringify(cluster.kubeconfig('small')));
      const core = kc.makeApiClient(k8s.CoreV1Api);
      let lists = 0;
      const informer = k8s.makeInformer(
        kc,
        '/api/v1/namespaces/default/configmaps',
        () => {
          lists++;
          return core.listNamespacedConfigMap({ namespace: 'default' });
        },
      );
      await informer.start();
      try {
        await waitFor(
          () => cluster.faults.dropWatches(CONFIGMAPS) > 0,
          'the informer watch to open',
        );
        // Synchronous writes outrun the reconnect, so the informer's
        // resourceVersion falls out of the five-event history.
        for (let i = 0; i < 10; i++) {
          cluster.api.create(CONFIGMAPS, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `cm-${i}`, namespace: 'default' },
          });
        }
        await waitFor(
          () => informer.list('default').length === 10,
          'the relist',
        );
        expect(lists).toBe(2);
      } finally {
        await informer.stop();
      }

      const watch = new k8s.Watch(kc);
      const events: Array<{ type: string; code?: number; reason?: string }> =
        [];
      let ended = false;
      await watch.watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: '1' },
        (type, object) =>
          events.push({ type, code: object.code, reason: object.reason }),
        () => {
          ended = true;
        },
      );
      await waitFor(() => ended, 'the expired watch to end');
      expect(events).toEqual([{ type: 'ERROR', code: 410, reason: 'Expired' }]);
    } finally {
      await cluster.close();
    }
  });

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
