import {
  classifyFailure,
  ClusterUnavailableError,
  RetryPolicy,
  withRetries,
} from './retry';

const policy: RetryPolicy = {
  maxAttempts: 4,
  budgetMs: 10_000,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
};

/** An ApiException as @kubernetes/client-node throws it. */
const answered = (code: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, headers, body: '' });

describe('classifyFailure', () => {
  it('tells what may be repeated', () => {
    expect(
      classifyFailure(answered(429, { 'retry-after': '2' })),
    ).toMatchObject({
      kind: 'transient',
      retryAfterMs: 2_000,
    });
    expect(classifyFailure(answered(500)).kind).toBe('transient');
    expect(classifyFailure(answered(503)).kind).toBe('transient');
    expect(classifyFailure(answered(504)).kind).toBe('uncertain');
    expect(classifyFailure(answered(409)).kind).toBe('final');
    expect(classifyFailure(answered(422)).kind).toBe('final');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      type: 'system',
    });
    expect(classifyFailure(refused).kind).toBe('transient');
    const reset = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
      type: 'system',
    });
    expect(classifyFailure(reset).kind).toBe('uncertain');
    const aborted = Object.assign(new Error('The user aborted a request.'), {
      name: 'AbortError',
      type: 'aborted',
    });
    expect(classifyFailure(aborted).kind).toBe('uncertain');
  });

  it('reads Retry-After from the Status details when the header is missing', () => {
    const error = Object.assign(answered(429), {
      body: JSON.stringify({ details: { retryAfterSeconds: 3 } }),
    });
    expect(classifyFailure(error).retryAfterMs).toBe(3_000);
  });
});

describe('withRetries', () => {
  function run(failures: Error[], overrides: Partial<RetryPolicy> = {}) {
    const sleeps: number[] = [];
    let calls = 0;
    const result = withRetries(
      async () => {
        const failure = failures[calls++];
        if (failure) throw failure;
        return 'done';
      },
      {
        policy: { ...policy, ...overrides },
        what: 'cluster demo: patch Namespace orders',
        sleep: async ms => {
          sleeps.push(ms);
        },
        random: () => 0.5,
      },
    );
    return { result, sleeps, calls: () => calls };
  }

  it('retries 429 after the Retry-After, and 500 with growing backoff', async () => {
    const { result, sleeps, calls } = run([
      answered(429, { 'retry-after': '1' }),
      answered(500),
      answered(500),
    ]);
    await expect(result).resolves.toBe('done');
    expect(calls()).toBe(4);
    // Retry-After plus jitter, then equal-jitter backoff of 200 and 400 ms.
    expect(sleeps).toEqual([1_050, 150, 300]);
  });

  it('gives up with a 503 naming the cluster and saying when to retry', async () => {
    const { result, calls } = run(
      Array.from({ length: 10 }, () => answered(429, { 'retry-after': '2' })),
    );
    const error = await result.catch(e => e);
    expect(error).toBeInstanceOf(ClusterUnavailableError);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.message).toMatch(
      /^cluster demo: patch Namespace orders failed 4 times .*last: 429.*Retry after 2 s/,
    );
    expect(calls()).toBe(4);
  });

  it('stops early when the next wait would overrun the time budget', async () => {
    const { result, calls } = run([answered(429, { 'retry-after': '5' })], {
      budgetMs: 3_000,
    });
    await expect(result).rejects.toBeInstanceOf(ClusterUnavailableError);
    expect(calls()).toBe(1);
  });

  it('passes final and uncertain failures straight on', async () => {
    await expect(run([answered(422)]).result).rejects.toMatchObject({
      code: 422,
    });
    const aborted = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const uncertain = run([aborted]);
    await expect(uncertain.result).rejects.toBe(aborted);
    expect(uncertain.calls()).toBe(1);
  });
});
