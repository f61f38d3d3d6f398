import { waitFor } from '../waitFor';
import { CONFIGMAPS, useApiServer } from './__testUtils__/apiServer';

describe('the fault API over HTTP', () => {
  const api = useApiServer();

  it('injects faults: errors with Retry-After, failNext and latency', async () => {
    api.cluster.faults.add({
      plural: 'configmaps',
      verb: 'list',
      errorCode: 429,
      retryAfterSeconds: 3,
      failNext: 1,
    });
    const throttled = await api.raw('/api/v1/namespaces/default/configmaps');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(await throttled.json()).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      code: 429,
    });
    expect(
      (await api.raw('/api/v1/namespaces/default/configmaps')).status,
    ).toBe(200);

    const added = await api.raw('/demo-cluster/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        group: 'apps',
        plural: 'deployments',
        errorCode: 500,
      }),
    });
    expect(added.status).toBe(201);
    const refused = await api.raw('/apis/apps/v1/deployments');
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ kind: 'Status', code: 500 });
    expect(
      (await (await api.raw('/demo-cluster/faults')).json()).rules,
    ).toHaveLength(1);
    expect(
      (await api.raw('/demo-cluster/faults', { method: 'DELETE' })).status,
    ).toBe(200);
    expect((await api.raw('/apis/apps/v1/deployments')).status).toBe(200);

    const unauthenticated = await fetch(
      `${api.cluster.url}/demo-cluster/faults`,
    );
    expect(unauthenticated.status).toBe(401);
  });

  it('drops watch streams on demand', async () => {
    const watch = new api.k8s.Watch(api.kc);
    let ended = false;
    await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: api.cluster.store.resourceVersion() },
      () => undefined,
      () => {
        ended = true;
      },
    );
    await waitFor(() => api.cluster.faults.dropWatches(CONFIGMAPS) > 0, {
      what: 'the watch to open',
    });
    expect(await waitFor(() => ended, { what: 'the watch to end' })).toBe(true);
  });
});
