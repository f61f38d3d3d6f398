import { startDemoCluster } from '../DemoCluster';
import { waitFor } from '../waitFor';
import {
  ApiServerFixture,
  configMap,
  CONFIGMAPS,
  useApiServer,
} from './__testUtils__/apiServer';
import { seededRandom } from './faultRules';

const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

/** A watch over fetch whose events are collected as they arrive. */
async function openWatchStream(api: ApiServerFixture, path: string) {
  const controller = new AbortController();
  const response = await api.raw(path, { signal: controller.signal });
  const events: Array<{ type: string; object: any }> = [];
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body!) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      events.push(...lines.filter(Boolean).map(line => JSON.parse(line)));
    }
  })()
    .catch(() => undefined)
    .finally(() => {
      ended = true;
    });
  return {
    status: response.status,
    events,
    ended: () => ended,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

/** Whether a request fails to connect, and with which code. */
async function connectionError(url: string): Promise<string | undefined> {
  try {
    await fetch(`${url}/version`);
    return undefined;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? 'failed';
  }
}

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

  it('refuses a rule it could not apply with a 400 Status', async () => {
    const refused = await api.raw('/demo-cluster/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ verb: 'write', errorCode: 500, percent: -1 }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'percent must be a number from 0 to 100, got -1',
    });
    expect(api.cluster.faults.list()).toEqual([]);
  });

  it('fails the seeded share of patches, and counts them by outcome', async () => {
    api.cluster.api.create(CONFIGMAPS, configMap('shared'));
    api.cluster.faults.resetRequestCounts();
    await api.raw('/demo-cluster/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        plural: 'configmaps',
        verb: 'patch',
        errorCode: 409,
        percent: 30,
        seed: 3,
      }),
    });
    const writesBefore = api.cluster.api.writeCount();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await api.raw(
        '/api/v1/namespaces/default/configmaps/shared',
        {
          method: 'PATCH',
          headers: MERGE_PATCH,
          body: JSON.stringify({ data: { n: String(i) } }),
        },
      );
      statuses.push(response.status);
    }
    const draws = seededRandom(3);
    const expected = statuses.map(() => (draws() * 100 < 30 ? 409 : 200));
    expect(statuses).toEqual(expected);
    const refused = expected.filter(code => code === 409).length;
    expect(refused).toBeGreaterThan(0);

    const counts = await waitFor(
      async () => {
        const body = await (
          await api.raw('/demo-cluster/faults/requests?verb=patch')
        ).json();
        return body.total === 20 && body;
      },
      { what: 'the 20 patches to be counted' },
    );
    expect(counts).toEqual({
      total: 20,
      writes: writesBefore + 20 - refused,
      rows: expect.arrayContaining([
        {
          group: '',
          plural: 'configmaps',
          verb: 'patch',
          outcome: 'fault',
          code: 409,
          count: refused,
        },
        {
          group: '',
          plural: 'configmaps',
          verb: 'patch',
          outcome: 'ok',
          code: 200,
          count: 20 - refused,
        },
      ]),
    });
  });

  it('delays the verbs it names and not the others', async () => {
    api.cluster.api.create(CONFIGMAPS, configMap('slow'));
    api.cluster.faults.add({ verb: 'write', latencyMs: 300 });
    const finished: string[] = [];
    const path = '/api/v1/namespaces/default/configmaps/slow';
    await Promise.all([
      api
        .raw(path, {
          method: 'PATCH',
          headers: MERGE_PATCH,
          body: JSON.stringify({ data: { slow: 'yes' } }),
        })
        .then(response => finished.push(`patch ${response.status}`)),
      api.raw(path).then(response => finished.push(`get ${response.status}`)),
    ]);
    expect(finished).toEqual(['get 200', 'patch 200']);
  });

  it('holds a hung write until the rule goes, and drops it if the client gave up', async () => {
    api.cluster.api.create(CONFIGMAPS, configMap('held', { v: '0' }));
    const path = '/api/v1/namespaces/default/configmaps/held';
    const patch = (v: string, signal?: AbortSignal) =>
      api.raw(path, {
        method: 'PATCH',
        headers: MERGE_PATCH,
        body: JSON.stringify({ data: { v } }),
        signal,
      });
    const held = () => api.cluster.api.get(CONFIGMAPS, 'default', 'held')!.data;

    const rule = api.cluster.faults.add({
      name: 'held',
      verb: 'patch',
      hang: true,
    });
    const waiting = patch('1');
    await waitFor(() => api.cluster.faults.heldRequests() === 1, {
      what: 'the hold',
    });
    // Reads of the same object are not held, and the write has not applied.
    expect(await (await api.raw(path)).json()).toMatchObject({
      data: { v: '0' },
    });
    expect(
      (await api.raw(`/demo-cluster/faults/${rule.id}`, { method: 'DELETE' }))
        .status,
    ).toBe(200);
    expect((await waiting).status).toBe(200);
    expect(held()).toEqual({ v: '1' });

    const again = api.cluster.faults.add({
      name: 'held',
      verb: 'patch',
      hang: 'request',
    });
    const controller = new AbortController();
    const abandoned = patch('2', controller.signal).catch(error => error.name);
    await waitFor(() => api.cluster.faults.heldRequests() === 1, {
      what: 'the second hold',
    });
    api.cluster.faults.resetRequestCounts();
    controller.abort();
    expect(await abandoned).toBe('AbortError');
    // Once the server has seen the client go, releasing the hold serves nothing.
    await waitFor(
      () => api.cluster.faults.requestCounts({ outcome: 'aborted' }).total,
      { what: 'the server to see the client go' },
    );
    api.cluster.faults.remove(again.id!);
    await new Promise(resolve => setImmediate(resolve));
    expect(held()).toEqual({ v: '1' });
  });

  it('applies a write whose answer hangs, and never answers it', async () => {
    api.cluster.api.create(CONFIGMAPS, configMap('lost', { v: '0' }));
    api.cluster.faults.resetRequestCounts();
    api.cluster.faults.add({ name: 'lost', verb: 'patch', hang: 'response' });
    const controller = new AbortController();
    const abandoned = api
      .raw('/api/v1/namespaces/default/configmaps/lost', {
        method: 'PATCH',
        headers: MERGE_PATCH,
        body: JSON.stringify({ data: { v: '1' } }),
        signal: controller.signal,
      })
      .catch(error => error.name);
    await waitFor(
      () =>
        (
          api.cluster.api.get(CONFIGMAPS, 'default', 'lost')!.data as {
            v: string;
          }
        ).v === '1',
      { what: 'the write to apply' },
    );
    controller.abort();
    expect(await abandoned).toBe('AbortError');
    await waitFor(
      () =>
        api.cluster.faults.requestCounts({ outcome: 'aborted' }).total === 1,
      { what: 'the lost answer to be counted' },
    );
  });

  it('keeps silent watches open while they deliver nothing', async () => {
    const from = api.cluster.store.resourceVersion();
    const loud = await openWatchStream(
      api,
      `/api/v1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${from}`,
    );
    const quiet = await openWatchStream(
      api,
      `/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${from}`,
    );
    try {
      api.cluster.api.create(CONFIGMAPS, configMap('before-silence'));
      await waitFor(() => quiet.events.some(e => e.type === 'ADDED'), {
        what: 'the quiet watch to work',
      });
      api.cluster.faults.add({
        plural: 'configmaps',
        namespace: 'default',
        silent: true,
      });
      const heardBefore = quiet.events.length;
      const fresh = await openWatchStream(
        api,
        '/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true',
      );
      try {
        expect(fresh.status).toBe(200);
        api.cluster.api.create(CONFIGMAPS, configMap('after-silence'));
        // The loud watch hears the change and two bookmarks after it.
        await waitFor(
          () => {
            const added = loud.events.findIndex(
              e => e.object.metadata?.name === 'after-silence',
            );
            return (
              added >= 0 &&
              loud.events.slice(added).filter(e => e.type === 'BOOKMARK')
                .length >= 2
            );
          },
          { what: 'the loud watch to go on' },
        );
        expect(quiet.events.length).toBe(heardBefore);
        expect(fresh.events).toEqual([]);
        expect(quiet.ended() || fresh.ended()).toBe(false);
      } finally {
        await fresh.close();
      }
    } finally {
      await Promise.all([loud.close(), quiet.close()]);
    }
  });
});

describe('the unreachable-cluster fault', () => {
  it('refuses connections, then serves again on the same port', async () => {
    const cluster = await startDemoCluster({
      faults: true,
      bookmarkIntervalMs: 100,
    });
    try {
      expect(await connectionError(cluster.url)).toBeUndefined();
      cluster.faults.setUnreachable(true);
      expect(
        await waitFor(() => connectionError(cluster.url), { what: 'refusal' }),
      ).toBe('ECONNREFUSED');
      cluster.faults.setUnreachable(false);
      await waitFor(
        async () => (await connectionError(cluster.url)) === undefined,
        { what: 'the way back' },
      );

      const answer = await fetch(
        `${cluster.url}/demo-cluster/faults/unreachable`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${cluster.token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ durationMs: 300 }),
        },
      );
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({
        unreachable: true,
        mode: 'refuse',
      });
      expect(
        await waitFor(() => connectionError(cluster.url), {
          what: 'refusal over HTTP',
        }),
      ).toBe('ECONNREFUSED');
      await waitFor(
        async () => (await connectionError(cluster.url)) === undefined,
        { what: 'the timed way back' },
      );
      expect(cluster.faults.reachability()).toEqual({ unreachable: false });
    } finally {
      await cluster.close();
    }
  });

  it('resets connections at accept in reset mode, and ends open watches', async () => {
    const cluster = await startDemoCluster({ faults: true });
    try {
      const watch = await fetch(`${cluster.url}/api/v1/namespaces?watch=true`, {
        headers: { Authorization: `Bearer ${cluster.token}` },
      });
      const reading = watch.text().then(
        () => 'ended',
        () => 'broken',
      );
      cluster.faults.setUnreachable(true, { mode: 'reset' });
      expect(await reading).toMatch(/ended|broken/);
      const code = await waitFor(() => connectionError(cluster.url), {
        what: 'reset',
      });
      expect(code).not.toBe('ECONNREFUSED');
      cluster.faults.setUnreachable(false);
      await waitFor(
        async () => (await connectionError(cluster.url)) === undefined,
        { what: 'the way back' },
      );
    } finally {
      await cluster.close();
    }
  });
});
