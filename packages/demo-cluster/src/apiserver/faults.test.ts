import { seededRandom } from './faultRules';
import { Faults } from './faults';
import { ApiError } from './types';

const PATCH_MEMBER_ROLL = {
  group: 'maistra.io',
  plural: 'servicemeshmemberrolls',
  verb: 'patch' as const,
  namespace: 'istio-system',
  name: 'default',
};

function refusal(add: () => unknown): string {
  try {
    add();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(400);
    return (error as ApiError).message;
  }
  throw new Error('expected the rule to be refused');
}

describe('Faults', () => {
  it('refuses rules that could not do what they say, naming the field', () => {
    const faults = new Faults();
    expect(refusal(() => faults.add({ verb: 'post' as never }))).toMatch(
      /^verb must be one of read, write, get, list, .*, got "post"$/,
    );
    expect(refusal(() => faults.add({ errorCode: 200 }))).toMatch(
      /errorCode must be an HTTP error status/,
    );
    expect(refusal(() => faults.add({ errorCode: 500, percent: 130 }))).toMatch(
      /percent must be a number from 0 to 100/,
    );
    expect(refusal(() => faults.add({ hang: 'forever' as never }))).toMatch(
      /hang must be true, "request" or "response"/,
    );
    expect(refusal(() => faults.add({ errorCode: 500, failNext: 0 }))).toMatch(
      /failNext must be a positive integer/,
    );
    expect(faults.list()).toEqual([]);
  });

  it('matches verb classes, verb lists and object names', () => {
    const faults = new Faults();
    faults.add({ verb: 'write', errorCode: 500 });
    expect(faults.evaluate(PATCH_MEMBER_ROLL).error?.code).toBe(500);
    expect(
      faults.evaluate({ ...PATCH_MEMBER_ROLL, verb: 'get' }).error,
    ).toBeUndefined();
    faults.clear();

    faults.add({ verb: ['get', 'delete'], name: 'default', errorCode: 404 });
    expect(
      faults.evaluate({ ...PATCH_MEMBER_ROLL, verb: 'delete' }).error?.code,
    ).toBe(404);
    expect(faults.evaluate(PATCH_MEMBER_ROLL).error).toBeUndefined();
    expect(
      faults.evaluate({ ...PATCH_MEMBER_ROLL, verb: 'get', name: 'other' })
        .error,
    ).toBeUndefined();
  });

  it('hits a seeded share of requests, the same ones every run', () => {
    const run = () => {
      const faults = new Faults();
      faults.add({
        ...PATCH_MEMBER_ROLL,
        errorCode: 429,
        retryAfterSeconds: 1,
        percent: 30,
        seed: 42,
      });
      return Array.from({ length: 1000 }, () =>
        Boolean(faults.evaluate(PATCH_MEMBER_ROLL).error),
      );
    };
    const first = run();
    expect(run()).toEqual(first);
    // The rule draws one number per matching request from its own generator.
    const draws = seededRandom(42);
    expect(first).toEqual(first.map(() => draws() * 100 < 30));
    const hits = first.filter(Boolean).length;
    expect(hits).toBeGreaterThan(250);
    expect(hits).toBeLessThan(350);
  });

  it('carries Retry-After and the reason of the code in the error', () => {
    const faults = new Faults();
    faults.add({ ...PATCH_MEMBER_ROLL, errorCode: 429, retryAfterSeconds: 2 });
    const { error } = faults.evaluate(PATCH_MEMBER_ROLL);
    expect(error).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 2, kind: 'servicemeshmemberrolls' },
    });
  });

  it('spends failNext only on the requests it picks, then drops the rule', () => {
    const faults = new Faults();
    faults.add({ errorCode: 500, percent: 50, seed: 7, failNext: 3 });
    let failures = 0;
    let requests = 0;
    while (faults.list().length > 0) {
      requests++;
      if (faults.evaluate(PATCH_MEMBER_ROLL).error) failures++;
    }
    expect(failures).toBe(3);
    expect(requests).toBeGreaterThan(3);
    expect(faults.evaluate(PATCH_MEMBER_ROLL).error).toBeUndefined();
  });

  it('adds latencies of every matching rule', () => {
    const faults = new Faults();
    faults.add({ verb: 'write', latencyMs: 1000 });
    faults.add({ plural: 'servicemeshmemberrolls', latencyMs: 50 });
    expect(faults.evaluate(PATCH_MEMBER_ROLL).latencyMs).toBe(1050);
    expect(
      faults.evaluate({ ...PATCH_MEMBER_ROLL, verb: 'list' }).latencyMs,
    ).toBe(50);
    expect(
      faults.evaluate({ group: '', plural: 'pods', verb: 'get' }).latencyMs,
    ).toBe(0);
  });

  it('holds requests until their hang rule is removed', async () => {
    const faults = new Faults();
    const rule = faults.add({ ...PATCH_MEMBER_ROLL, hang: true, failNext: 1 });
    const { hold } = faults.evaluate(PATCH_MEMBER_ROLL);
    expect(hold?.phase).toBe('request');
    // Used up, but listed until removed, so that removing it releases the hold.
    expect(faults.evaluate(PATCH_MEMBER_ROLL).hold).toBeUndefined();
    expect(faults.list()).toEqual([{ ...rule, failNext: 0 }]);
    expect(faults.heldRequests()).toBe(1);

    let released = false;
    hold!.released.then(() => {
      released = true;
    });
    await Promise.resolve();
    expect(released).toBe(false);
    expect(faults.remove(rule.id!)).toBe(true);
    await hold!.released;
    expect(released).toBe(true);
    expect(faults.heldRequests()).toBe(0);

    faults.add({ verb: 'write', hang: 'response' });
    const answer = faults.evaluate(PATCH_MEMBER_ROLL).hold!;
    expect(answer.phase).toBe('response');
    faults.clear();
    await answer.released;
  });

  it('decides silent watches only for watches', () => {
    const faults = new Faults();
    faults.add({ plural: 'servicemeshmemberrolls', silent: true });
    expect(
      faults.evaluate({ ...PATCH_MEMBER_ROLL, verb: 'watch' }).silent,
    ).toBe(true);
    expect(faults.evaluate(PATCH_MEMBER_ROLL).silent).toBeUndefined();
  });

  it('silences matching watches that are already open', () => {
    const faults = new Faults();
    const silenced: string[] = [];
    const watch = (name: string, namespace?: string) =>
      faults.registerWatch(PATCH_MEMBER_ROLL, () => undefined, {
        namespace,
        silence: () => silenced.push(name),
      });
    watch('in istio-system', 'istio-system');
    watch('in every namespace');
    const deregister = watch('closed', 'istio-system');
    deregister();
    faults.add({ namespace: 'istio-system', verb: 'watch', silent: true });
    expect(silenced).toEqual(['in istio-system']);
  });

  it('makes the cluster unreachable, for a while or until told', async () => {
    const faults = new Faults();
    const seen: boolean[] = [];
    const unsubscribe = faults.onReachabilityChange(state =>
      seen.push(state.unreachable),
    );
    expect(faults.setUnreachable(true, { mode: 'reset' })).toEqual({
      unreachable: true,
      mode: 'reset',
    });
    faults.setUnreachable(false);
    expect(faults.reachability()).toEqual({ unreachable: false });

    const state = faults.setUnreachable(true, { forMs: 20 });
    expect(state).toMatchObject({ unreachable: true, mode: 'refuse' });
    expect(state.until).toBeInstanceOf(Date);
    await new Promise<void>(resolve => {
      const stop = faults.onReachabilityChange(() => {
        stop();
        resolve();
      });
    });
    expect(faults.reachability().unreachable).toBe(false);
    expect(seen).toEqual([true, false, true, false]);

    faults.setUnreachable(true);
    faults.clear();
    expect(faults.reachability().unreachable).toBe(false);
    unsubscribe();
  });

  it('counts requests by resource, verb and outcome until reset', () => {
    const faults = new Faults();
    const request = { group: '', plural: 'pods', verb: 'get' as const };
    faults.recordRequest({ ...request, outcome: 'ok', code: 200 });
    faults.recordRequest({ ...request, outcome: 'ok', code: 200 });
    faults.recordRequest({ ...request, outcome: 'error', code: 404 });
    faults.recordRequest({
      ...request,
      verb: 'patch',
      outcome: 'fault',
      code: 409,
    });
    expect(faults.requestCounts()).toMatchObject({ total: 4 });
    expect(faults.requestCounts({ verb: 'get' })).toEqual({
      total: 3,
      rows: [
        { ...request, outcome: 'ok', code: 200, count: 2 },
        { ...request, outcome: 'error', code: 404, count: 1 },
      ],
    });
    expect(faults.requestCounts({ outcome: 'fault' }).total).toBe(1);
    faults.clear();
    expect(faults.requestCounts().total).toBe(4);
    faults.resetRequestCounts();
    expect(faults.requestCounts()).toEqual({ total: 0, rows: [] });
  });
});
