import { startDemoCluster } from '../../DemoCluster';
import { waitFor } from '../../waitFor';
import {
  configMap,
  CONFIGMAPS,
  useApiServer,
} from '../__testUtils__/apiServer';

describe('KubeApiServer watches', () => {
  const api = useApiServer();

  it('feeds an informer with adds, updates and deletes', async () => {
    await api.core.createNamespace({
      body: { metadata: { name: 'informed' } },
    });
    const informer = api.k8s.makeInformer(
      api.kc,
      '/api/v1/namespaces/informed/configmaps',
      () => api.core.listNamespacedConfigMap({ namespace: 'informed' }),
    );
    const seen: string[] = [];
    informer.on('add', obj => seen.push(`add ${obj.metadata?.name}`));
    informer.on('update', obj => seen.push(`update ${obj.metadata?.name}`));
    informer.on('delete', obj => seen.push(`delete ${obj.metadata?.name}`));
    await informer.start();
    try {
      await api.core.createNamespacedConfigMap({
        namespace: 'informed',
        body: { metadata: { name: 'one' } },
      });
      await waitFor(() => seen.includes('add one'), { what: 'the add' });
      await api.core.patchNamespacedConfigMap(
        { name: 'one', namespace: 'informed', body: { data: { a: '1' } } },
        api.k8s.setHeaderOptions(
          'Content-Type',
          api.k8s.PatchStrategy.MergePatch,
        ),
      );
      await waitFor(() => seen.includes('update one'), { what: 'the update' });
      await api.core.deleteNamespacedConfigMap({
        name: 'one',
        namespace: 'informed',
      });
      await waitFor(() => seen.includes('delete one'), { what: 'the delete' });
      expect(seen).toEqual(['add one', 'update one', 'delete one']);
      expect(informer.list('informed')).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('sends BOOKMARK events when asked', async () => {
    const watch = new api.k8s.Watch(api.kc);
    const events: Array<{ type: string; rv?: string }> = [];
    const request = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      {
        allowWatchBookmarks: true,
        resourceVersion: api.cluster.store.resourceVersion(),
      },
      (type, object) =>
        events.push({ type, rv: object.metadata?.resourceVersion }),
      () => undefined,
    );
    try {
      await api.cluster.api.create(CONFIGMAPS, configMap('bookmarked'));
      const bookmark = await waitFor(
        () =>
          events.find(e => e.type === 'BOOKMARK' && events[0].type === 'ADDED'),
        { what: 'a bookmark after the change' },
      );
      expect(Number(bookmark.rv)).toBeGreaterThanOrEqual(Number(events[0].rv));
    } finally {
      request.abort();
    }
  });

  it('streams a list with sendInitialEvents, ending it with a marked bookmark', async () => {
    await api.cluster.api.create(CONFIGMAPS, configMap('streamed-a'));
    await api.cluster.api.create(CONFIGMAPS, configMap('streamed-b'));
    const watch = new api.k8s.Watch(api.kc);
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
      await waitFor(() => events.some(e => e.type === 'BOOKMARK'), {
        what: 'the initial-events-end bookmark',
      });
      expect(events.slice(0, 2)).toEqual([
        expect.objectContaining({ type: 'ADDED', name: 'streamed-a' }),
        {
          type: 'BOOKMARK',
          name: undefined,
          rv: api.cluster.store.resourceVersion(),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      ]);
      const existing = api.cluster.api.get(
        CONFIGMAPS,
        'default',
        'streamed-a',
      )!;
      await api.cluster.api.update(CONFIGMAPS, {
        ...existing,
        data: { x: '1' },
      });
      await waitFor(() => events.find(e => e.type === 'MODIFIED'), {
        what: 'the change after the initial events',
      });
    } finally {
      request.abort();
    }

    // Without bookmarks the end of the initial events cannot be told: 422.
    const refused = await api.raw(
      '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true',
    );
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ reason: 'Invalid' });
  });

  it('ends a watch after timeoutSeconds', async () => {
    const watch = new api.k8s.Watch(api.kc);
    let done = false;
    await watch.watch(
      '/api/v1/namespaces',
      {
        timeoutSeconds: 1,
        resourceVersion: api.cluster.store.resourceVersion(),
      },
      () => undefined,
      () => {
        done = true;
      },
    );
    expect(await waitFor(() => done, { what: 'the watch to end' })).toBe(true);
  });

  it('answers a watch older than the history with 410, and the informer relists', async () => {
    const cluster = await startDemoCluster({ historySize: 5 });
    try {
      const kc = new api.k8s.KubeConfig();
      kc.loadFromString(JSON.stringify(cluster.kubeconfig('small')));
      const core = kc.makeApiClient(api.k8s.CoreV1Api);
      let lists = 0;
      const informer = api.k8s.makeInformer(
        kc,
        '/api/v1/namespaces/default/configmaps',
        () => {
          lists++;
          return core.listNamespacedConfigMap({ namespace: 'default' });
        },
      );
      await informer.start();
      try {
        await waitFor(() => cluster.faults.dropWatches(CONFIGMAPS) > 0, {
          what: 'the informer watch to open',
        });
        // Synchronous writes outrun the reconnect, so the informer's
        // resourceVersion falls out of the five-event history.
        for (let i = 0; i < 10; i++) {
          cluster.api.create(CONFIGMAPS, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `cm-${i}`, namespace: 'default' },
          });
        }
        await waitFor(() => informer.list('default').length === 10, {
          what: 'the relist',
        });
        expect(lists).toBe(2);
      } finally {
        await informer.stop();
      }

      const watch = new api.k8s.Watch(kc);
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
      await waitFor(() => ended, { what: 'the expired watch to end' });
      expect(events).toEqual([{ type: 'ERROR', code: 410, reason: 'Expired' }]);
    } finally {
      await cluster.close();
    }
  });
});
