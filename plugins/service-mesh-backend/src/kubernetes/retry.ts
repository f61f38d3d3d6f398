import { ServiceUnavailableError } from '@backstage/errors';

/**
 * How calls to a cluster are retried when it answers 429 or 5xx, or does
 * not answer at all, in the manner of client-go: jittered exponential
 * backoff, or the server's Retry-After when it gives one.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** No retry starts later than this after the first try began. */
  budgetMs: number;
  /** The first backoff; it doubles with each retry, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 10_000,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
};

/**
 * What a failed call means for repeating it:
 * - `transient`: the cluster refused or could not take the request (429,
 *   500, 502, 503, connection refused); repeating it is safe;
 * - `uncertain`: the request may have applied (a timeout, a dropped
 *   connection, 504), so the object must be re-read before anything else;
 * - `final`: an answer about the request itself (4xx): repeating changes nothing.
 */
export type FailureKind = 'transient' | 'uncertain' | 'final';

export interface Failure {
  kind: FailureKind;
  /** The HTTP status, when the cluster answered. */
  status?: number;
  /** The server's Retry-After, in milliseconds. */
  retryAfterMs?: number;
  /** In plain words, for messages: "429 Too Many Requests", "timed out". */
  description: string;
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503]);
/** Errors of a connection that never carried the request. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function classifyFailure(error: unknown): Failure {
  const e = error as any;
  if (typeof e?.code === 'number') {
    const status: number = e.code;
    const retryAfterMs = retryAfterOf(e);
    if (TRANSIENT_STATUS.has(status)) {
      return {
        kind: 'transient',
        status,
        retryAfterMs,
        description: `${status}`,
      };
    }
    if (status === 504) {
      return { kind: 'uncertain', status, retryAfterMs, description: '504' };
    }
    return { kind: 'final', status, description: `${status}` };
  }
  if (e?.name === 'AbortError' || e?.type === 'aborted') {
    return { kind: 'uncertain', description: 'timed out' };
  }
  const systemCode = typeof e?.code === 'string' ? e.code : undefined;
  if (systemCode && NOT_SENT_CODES.has(systemCode)) {
    return { kind: 'transient', description: systemCode };
  }
  if (systemCode || e?.type === 'system' || e?.name === 'FetchError') {
    // ECONNRESET, EPIPE, "socket hang up": the request may have arrived.
    return { kind: 'uncertain', description: systemCode ?? e.message };
  }
  return { kind: 'final', description: e?.message ?? String(error) };
}

/** Retry-After from the header (seconds or an HTTP date) or the Status details. */
function retryAfterOf(error: any): number | undefined {
  const header: string | undefined =
    error?.headers?.['retry-after'] ?? error?.headers?.['Retry-After'];
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const body =
    typeof error?.body === 'string' ? safeParse(error.body) : error?.body;
  const seconds = body?.details?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

function safeParse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The wait before retry number `retry` (1 for the first): the server's
 * Retry-After plus a little jitter, else "equal jitter" exponential backoff,
 * so many writers backing off at once spread out.
 */
export function retryDelayMs(
  retry: number,
  failure: Failure,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (failure.retryAfterMs !== undefined) {
    return failure.retryAfterMs + random() * policy.baseDelayMs;
  }
  return backoffMs(retry, policy.baseDelayMs, policy.maxDelayMs, random);
}

/**
 * "Equal jitter" exponential backoff for try number `attempt` (1 for the
 * first retry): half the doubled delay, plus a random half.
 */
export function backoffMs(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, minMs * 2 ** (attempt - 1));
  return base / 2 + random() * (base / 2);
}

/**
 * A cluster that kept refusing or not answering until the retry budget was
 * spent: 503, with the Retry-After the caller should honour.
 */
export class ClusterUnavailableError extends ServiceUnavailableError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Whose budget is spent, for the error message: "cluster demo-ossm2: patch Namespace x". */
  what: string;
  /** Also retry `uncertain` failures: for reads, which change nothing. */
  retryUncertain?: boolean;
  /** Called before each retry; for counters. */
  onRetry?: (failure: Failure, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/**
 * Runs `call` until it succeeds, fails for good, or the budget is spent.
 * Only `transient` failures are retried (and `uncertain` ones if asked);
 * the others are thrown as they came, for the caller to translate (final)
 * or to re-read (uncertain).
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, now = Date.now, sleep = defaultSleep } = options;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const failure = classifyFailure(error);
      const retryable =
        failure.kind === 'transient' ||
        (failure.kind === 'uncertain' && options.retryUncertain);
      if (!retryable) throw error;
      const delay = retryDelayMs(attempt, failure, policy, options.random);
      const elapsed = now() - started;
      if (attempt >= policy.maxAttempts || elapsed + delay > policy.budgetMs) {
        throw budgetSpent(options.what, attempt, elapsed, failure, policy);
      }
      options.onRetry?.(failure, delay);
      await sleep(delay);
    }
  }
}

export function budgetSpent(
  what: string,
  attempts: number,
  elapsedMs: number,
  failure: Failure,
  policy: RetryPolicy,
): ClusterUnavailableError {
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((failure.retryAfterMs ?? policy.maxDelayMs) / 1000),
  );
  return new ClusterUnavailableError(
    `${what} failed ${attempts} ${attempts === 1 ? 'time' : 'times'} in ${(
      elapsedMs / 1000
    ).toFixed(1)} s (last: ${
      failure.description
    }); giving up, as the retry budget is spent. Retry after ${retryAfterSeconds} s.`,
    retryAfterSeconds,
  );
}

function defaultSleep(ms: number) {
  return new Promise<void>(resolve => setTimeout(resolve, ms));
}
