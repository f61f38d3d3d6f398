import {
  configMap,
  CONFIGMAPS,
  failure,
  useApiServer,
} from '../__testUtils__/apiServer';

describe('KubeApiServer reads and writes', () => {
  const api = useApiServer();

  it('creates, reads, updates and deletes', async () => {
    const created = await api.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('crud', { a: '1' }),
    });
    expect(created.metadata?.uid).toBeDefined();
    const read = await api.core.readNamespacedConfigMap({
      name: 'crud',
      namespace: 'default',
    });
    expect(read.data).toEqual({ a: '1' });

    const replaced = await api.core.replaceNamespacedConfigMap({
      name: 'crud',
      namespace: 'default',
      body: { ...read, data: { a: '2' } },
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );
    expect(
      await failure(
        api.core.createNamespacedConfigMap({
          namespace: 'default',
          body: configMap('crud'),
        }),
      ),
    ).toMatchObject({ code: 409, status: { reason: 'AlreadyExists' } });

    await api.core.deleteNamespacedConfigMap({
      name: 'crud',
      namespace: 'default',
    });
    expect(api.cluster.api.get(CONFIGMAPS, 'default', 'crud')).toBeUndefined();
  });

  it('does not store dry-run writes', async () => {
    const writes = api.cluster.api.writeCount();
    const dry = await api.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('dry'),
      dryRun: 'All',
    });
    expect(dry.metadata?.name).toBe('dry');
    expect(api.cluster.api.get(CONFIGMAPS, 'default', 'dry')).toBeUndefined();
    expect(api.cluster.api.writeCount()).toBe(writes);
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const created = await api.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('stale', { v: '1' }),
    });
    await api.core.replaceNamespacedConfigMap({
      name: 'stale',
      namespace: 'default',
      body: { ...created, data: { v: '2' } },
    });
    const conflict = await failure(
      api.core.replaceNamespacedConfigMap({
        name: 'stale',
        namespace: 'default',
        body: { ...created, data: { v: '3' } },
      }),
    );
    expect(conflict).toMatchObject({
      code: 409,
      status: { kind: 'Status', reason: 'Conflict' },
    });
    expect(api.cluster.api.get(CONFIGMAPS, 'default', 'stale')?.data).toEqual({
      v: '2',
    });
  });

  it('answers a failed JSON patch test op with 422 and leaves the object alone', async () => {
    await api.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('jp', { v: '1' }),
    });
    const before = api.cluster.api.get(CONFIGMAPS, 'default', 'jp');
    const options = api.k8s.setHeaderOptions(
      'Content-Type',
      api.k8s.PatchStrategy.JsonPatch,
    );

    const failed = await failure(
      api.core.patchNamespacedConfigMap(
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
    expect(api.cluster.api.get(CONFIGMAPS, 'default', 'jp')).toEqual(before);

    const patched = await api.core.patchNamespacedConfigMap(
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
    await api.core.createNamespacedConfigMap({
      namespace: 'default',
      body: {
        ...configMap('mp', { a: '1', b: '2' }),
        metadata: { name: 'mp', labels: { keep: 'yes' } },
      },
    });
    const merged = await api.core.patchNamespacedConfigMap(
      { name: 'mp', namespace: 'default', body: { data: { a: null, c: '3' } } },
      api.k8s.setHeaderOptions(
        'Content-Type',
        api.k8s.PatchStrategy.MergePatch,
      ),
    );
    expect(merged.data).toEqual({ b: '2', c: '3' });

    const labelled = await api.core.patchNamespace(
      {
        name: 'default',
        body: { metadata: { labels: { 'istio-injection': 'enabled' } } },
      },
      api.k8s.setHeaderOptions(
        'Content-Type',
        api.k8s.PatchStrategy.StrategicMergePatch,
      ),
    );
    expect(labelled.metadata?.labels).toEqual({ 'istio-injection': 'enabled' });
    const relabelled = await api.core.patchNamespace(
      {
        name: 'default',
        body: {
          metadata: {
            labels: { 'istio-injection': null, 'istio.io/rev': 'canary' },
          },
        },
      },
      api.k8s.setHeaderOptions(
        'Content-Type',
        api.k8s.PatchStrategy.StrategicMergePatch,
      ),
    );
    expect(relabelled.metadata?.labels).toEqual({ 'istio.io/rev': 'canary' });
  });

  it('pages lists with limit and continue', async () => {
    await api.core.createNamespace({ body: { metadata: { name: 'paging' } } });
    for (let i = 0; i < 25; i++) {
      await api.core.createNamespacedConfigMap({
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
      const page = await api.core.listNamespacedConfigMap({
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
    await api.core.createNamespace({ body: { metadata: { name: 'sel-a' } } });
    await api.core.createNamespace({ body: { metadata: { name: 'sel-b' } } });
    const pod = (
      namespace: string,
      name: string,
      labels: Record<string, string>,
    ) =>
      api.core.createNamespacedPod({
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
      names(await api.core.listPodForAllNamespaces({ labelSelector: 'app=x' })),
    ).toEqual(['sel-a/web', 'sel-b/web']);
    expect(
      names(
        await api.core.listPodForAllNamespaces({
          labelSelector: 'app in (x,y),!tier',
        }),
      ),
    ).toEqual(['sel-a/db', 'sel-b/web']);
    expect(
      names(
        await api.core.listPodForAllNamespaces({
          fieldSelector: 'metadata.name=web,metadata.namespace!=sel-a',
        }),
      ),
    ).toEqual(['sel-b/web']);
    expect(
      names(
        await api.core.listPodForAllNamespaces({
          fieldSelector: 'status.phase!=Failed,metadata.name=db',
        }),
      ),
    ).toEqual(['sel-a/db']);
    expect(
      await failure(
        api.core.listPodForAllNamespaces({ fieldSelector: 'spec.image=x' }),
      ),
    ).toMatchObject({
      code: 400,
      status: {
        reason: 'BadRequest',
        message:
          'Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.image=x": field label not supported: spec.image',
      },
    });
  });

  it('prints pods, deployments and namespaces as tables, v1 and v1beta1', async () => {
    await api.core.createNamespace({ body: { metadata: { name: 'tables' } } });
    await api.core.createNamespacedPod({
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
    api.cluster.api.patch(
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
      await api.raw('/api/v1/pods?labelSelector=', {
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
      await api.raw('/api/v1/namespaces/tables', {
        headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      })
    ).json();
    expect(namespaces.rows[0].cells.slice(0, 2)).toEqual(['tables', 'Active']);
  });

  it('applies all of 50 concurrent read-modify-write updates with retry on 409', async () => {
    await api.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('counter'),
    });
    let conflicts = 0;
    const writer = async (i: number) => {
      for (;;) {
        const current = await api.core.readNamespacedConfigMap({
          name: 'counter',
          namespace: 'default',
        });
        try {
          await api.core.replaceNamespacedConfigMap({
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
    const final = api.cluster.api.get(CONFIGMAPS, 'default', 'counter')!;
    expect(Object.keys(final.data as object)).toHaveLength(50);
    // Interleaved writers must have collided; otherwise the test proves nothing.
    expect(conflicts).toBeGreaterThan(0);
  }, 60_000);
});
