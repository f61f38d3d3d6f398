import { keyOf, splitKey } from './common';

export interface WorkQueueOptions {
  /** First retry delay after a failure. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Keys handled per macrotask, so the API server stays responsive. */
  batchSize?: number;
  onError?: (key: string, error: unknown) => void;
}

/**
 * A deduplicating work queue: a key added many times before it is handled is
 * handled once. Failures are retried with exponential backoff.
 */
export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  #scheduled = false;
  #stopped = false;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #batchSize: number;

  constructor(
    private readonly handler: (key: string) => void,
    private readonly options: WorkQueueOptions = {},
  ) {
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
    this.#batchSize = options.batchSize ?? 1_000;
  }

  add(key: string): void {
    if (this.#stopped) return;
    this.#pending.add(key);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  /** Handles the key after a delay; an earlier pending delay wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.#delayed.set(key, { at, timer });
  }

  /** Forgets the failure count for a key (after an external fix). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
  }

  /** Whether nothing is queued right now (delayed retries excluded). */
  idle(): boolean {
    return this.#pending.size === 0 && !this.#scheduled;
  }

  #drain(): void {
    this.#scheduled = false;
    if (this.#stopped) return;
    let handled = 0;
    for (const key of this.#pending) {
      if (handled++ >= this.#batchSize) break;
      this.#pending.delete(key);
      try {
        this.handler(key);
        this.#failures.delete(key);
      } catch (error) {
        const failures = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, failures);
        this.options.onError?.(key, error);
        this.addAfter(
          key,
          Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** (failures - 1)),
        );
      }
    }
    if (this.#pending.size > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }
}

/** Reconciles one object of a kind; a throw retries it with backoff. */
export type Reconciler = (namespace: string | undefined, name: string) => void;

/**
 * The key of one object in a controller's queue: `<Kind>/<namespace>/<name>`,
 * or `<Kind>/<name>` for a cluster-scoped object.
 */
export function queueKey(
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return `${kind}/${keyOf(namespace, name)}`;
}

/**
 * A work queue that hands each key to the reconciler of its kind, as a
 * controller manager runs one reconcile loop per kind. Keys of kinds without
 * a reconciler are dropped.
 */
export function reconcileQueue(
  reconcilers: Record<string, Reconciler>,
  options?: WorkQueueOptions,
): WorkQueue {
  return new WorkQueue(key => {
    const slash = key.indexOf('/');
    const [namespace, name] = splitKey(key.slice(slash + 1));
    reconcilers[key.slice(0, slash)]?.(namespace, name);
  }, options);
}
