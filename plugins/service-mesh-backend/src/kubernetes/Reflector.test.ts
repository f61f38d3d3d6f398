import { mockServices } from '@backstage/backend-test-utils';
import { Reflector } from './Reflector';

type Handler = (phase: string, object: any) => void;
type Done = (error: any) => void;

/** A scripted watch: each call to watch() hands the test its callbacks. */
function scriptedWatch() {
  const calls: Array<{ query: any; onEvent: Handler; onDone: Done }> = [];
  return {
    calls,
    watch: {
      watch: async (
        _path: string,
        query: any,
        onEvent: Handler,
        onDone: Done,
      ) => {
        calls.push({ query, onEvent, onDone });
        return new AbortController();
      },
    },
  };
}

const pod = (
  name: string,
  resourceVersion: string,
  namespace = 'bookinfo',
) => ({
  metadata: { name, namespace, resourceVersion },
});

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('Reflector', () => {
  let clock = 1_000;
  const logger = mockServices.logger.mock();

  function makeReflector(
    watch: ReturnType<typeof scriptedWatch>,
    lists: Array<{ items: any[]; resourceVersion: string } | Error>,
    backoff = { minBackoffMs: 1, maxBackoffMs: 4 },
  ) {
    let listCalls = 0;
    const reflector = new Reflector({
      name: 'test/pods',
      path: '/api/v1/pods',
      watch: watch.watch,
      list: async () => {
        const next = lists[Math.min(listCalls, lists.length - 1)];
        listCalls += 1;
        if (next instanceof Error) throw next;
        return next;
      },
      trim: (o: any) => o,
      logger,
      ...backoff,
      now: () => clock,
      random: () => 0,
    });
    return { reflector, listCalls: () => listCalls };
  }

  it('lists, then applies watch events from the list resourceVersion', async () => {
    const watch = scriptedWatch();
    const { reflector } = makeReflector(watch, [
      { items: [pod('a', '5')], resourceVersion: '10' },
    ]);
    reflector.start();
    await flush();
    expect(watch.calls[0].query.resourceVersion).toBe('10');
    expect(watch.calls[0].query.allowWatchBookmarks).toBe(true);
    watch.calls[0].onEvent('ADDED', pod('b', '11'));
    watch.calls[0].onEvent('MODIFIED', pod('a', '12'));
    watch.calls[0].onEvent('DELETED', pod('b', '13'));
    expect(reflector.list('bookinfo').map(p => p.metadata)).toEqual([
      { name: 'a', namespace: 'bookinfo', resourceVersion: '12' },
    ]);
    reflector.stop();
  });

  it('counts a bookmark as contact and resumes the watch from it', async () => {
    const watch = scriptedWatch();
    const { reflector, listCalls } = makeReflector(watch, [
      { items: [], resourceVersion: '10' },
    ]);
    reflector.start();
    await flush();
    clock = 5_000;
    watch.calls[0].onEvent('BOOKMARK', { metadata: { resourceVersion: '42' } });
    expect(reflector.status().lastContact).toBe(5_000);
    watch.calls[0].onDone(null); // the server closed the stream normally
    await flush();
    expect(watch.calls[1].query.resourceVersion).toBe('42');
    expect(listCalls()).toBe(1);
    reflector.stop();
  });

  it('relists after 410 Gone instead of resuming from a lost resourceVersion', async () => {
    const watch = scriptedWatch();
    const { reflector, listCalls } = makeReflector(watch, [
      { items: [pod('a', '5'), pod('b', '6')], resourceVersion: '10' },
      { items: [pod('b', '20')], resourceVersion: '21' },
    ]);
    reflector.start();
    await flush();
    watch.calls[0].onEvent('ERROR', { code: 410, reason: 'Expired' });
    watch.calls[0].onDone(null);
    await flush();
    expect(listCalls()).toBe(2);
    expect(watch.calls[1].query.resourceVersion).toBe('21');
    // What vanished while we were away is gone from the cache too.
    expect(reflector.list().map(p => p.metadata.name)).toEqual(['b']);
    reflector.stop();
  });

  it('retries with backoff after a failed list and reports the failure meanwhile', async () => {
    const watch = scriptedWatch();
    // A backoff long enough that the retry cannot come before the first look,
    // however slowly the event loop turns (random 0: half of 200 ms).
    const { reflector, listCalls } = makeReflector(
      watch,
      [
        new Error('connect ECONNREFUSED'),
        { items: [pod('a', '1')], resourceVersion: '2' },
      ],
      { minBackoffMs: 200, maxBackoffMs: 400 },
    );
    reflector.start();
    await flush();
    expect(reflector.status()).toMatchObject({
      state: 'retrying',
      error: 'connect ECONNREFUSED',
    });
    expect(listCalls()).toBe(1);
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(listCalls()).toBe(2);
    expect(reflector.status().state).toBe('synced');
    expect(reflector.size()).toBe(1);
    reflector.stop();
  });

  it('restarts with a relist when asked by the staleness watchdog', async () => {
    const watch = scriptedWatch();
    const { reflector, listCalls } = makeReflector(watch, [
      { items: [], resourceVersion: '1' },
    ]);
    reflector.start();
    await flush();
    reflector.restart('silent for too long');
    await flush();
    expect(listCalls()).toBe(2);
    expect(watch.calls).toHaveLength(2);
    reflector.stop();
  });

  it('does not count failed attempts as contact', async () => {
    const watch = scriptedWatch();
    const { reflector } = makeReflector(watch, [
      { items: [], resourceVersion: '1' },
    ]);
    clock = 1_000;
    reflector.start();
    await flush();
    expect(reflector.status().lastContact).toBe(1_000);
    // The stream drops and every new watch is refused: data stays as of 1 000.
    clock = 9_000;
    watch.calls[0].onDone(null);
    await flush();
    watch.calls[1].onDone(
      Object.assign(new Error('Service Unavailable'), { statusCode: 503 }),
    );
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(reflector.status()).toMatchObject({
      state: 'retrying',
      lastContact: 1_000,
      error: '503 Service Unavailable',
    });
    reflector.stop();
  });

  it('stays marked silent after a watchdog restart until the new watch delivers', async () => {
    const watch = scriptedWatch();
    const { reflector, listCalls } = makeReflector(watch, [
      { items: [], resourceVersion: '1' },
    ]);
    clock = 1_000;
    reflector.start();
    await flush();
    clock = 5_000;
    reflector.restartSilent('no event or bookmark for 4 s');
    await flush();
    expect(listCalls()).toBe(2);
    // The relist is contact, but the stream has not proven itself yet.
    expect(reflector.status()).toMatchObject({
      lastContact: 5_000,
      silentSince: 1_000,
      silentRestarts: 1,
    });
    // Events of the abandoned watch are ignored.
    watch.calls[0].onEvent('BOOKMARK', { metadata: { resourceVersion: '9' } });
    expect(reflector.status().silentSince).toBe(1_000);
    watch.calls[1].onEvent('BOOKMARK', { metadata: { resourceVersion: '2' } });
    expect(reflector.status().silentSince).toBeUndefined();
    reflector.stop();
  });
  it('keeps its label index and frozen list in step with the watch, and reports each change', async () => {
    const watch = scriptedWatch();
    const changes: any[] = [];
    const labelled = (name: string, rv: string, app: string) => ({
      metadata: {
        name,
        namespace: 'bookinfo',
        resourceVersion: rv,
        labels: { app },
      },
    });
    const reflector = new Reflector<any>({
      name: 'test/pods',
      path: '/api/v1/pods',
      watch: watch.watch,
      list: async () => ({
        items: [labelled('a', '1', 'reviews'), labelled('b', '2', 'ratings')],
        resourceVersion: '2',
      }),
      trim: (o: any) => o,
      logger,
      indexLabels: true,
      onChange: change => changes.push(change),
    });
    reflector.start();
    await flush();
    const selector = { matchLabels: { app: 'reviews' } };
    expect(reflector.matching(selector).map(p => p.metadata.name)).toEqual([
      'a',
    ]);
    const before = reflector.frozenList();
    expect(Object.isFrozen(before)).toBe(true);
    expect(reflector.frozenList()).toBe(before);

    watch.calls[0].onEvent('MODIFIED', labelled('a', '3', 'ratings'));
    watch.calls[0].onEvent('ADDED', labelled('c', '4', 'reviews'));
    watch.calls[0].onEvent('DELETED', labelled('b', '5', 'ratings'));
    expect(reflector.matching(selector).map(p => p.metadata.name)).toEqual([
      'c',
    ]);
    expect(
      reflector
        .matching({ matchLabels: { app: 'ratings' } })
        .map(p => p.metadata.name),
    ).toEqual(['a']);
    expect(reflector.frozenList()).not.toBe(before);
    expect(
      reflector
        .frozenList()
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(
      changes.map(c => [
        c.type,
        c.object?.metadata.name,
        c.previous?.metadata.labels.app,
      ]),
    ).toEqual([
      ['RELISTED', undefined, undefined],
      ['MODIFIED', 'a', 'reviews'],
      ['ADDED', 'c', undefined],
      ['DELETED', 'b', 'ratings'],
    ]);
    reflector.stop();
  });
});
