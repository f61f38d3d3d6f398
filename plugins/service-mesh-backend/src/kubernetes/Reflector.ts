import type { Watch } from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { matchesLabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { LabelIndex } from './LabelIndex';
import { backoffMs } from './retry';

/** The part of a Kubernetes object every cached item keeps. */
export interface CachedObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
}

/** What changed in a reflector: one object, or everything (a relist). */
export type ReflectorChange<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T; previous?: T }
  | { type: 'RELISTED' };

export interface ReflectorOptions<T extends CachedObject> {
  /** Used in logs, e.g. `demo-ossm2/pods`. */
  name: string;
  /** The collection path to watch, e.g. `/api/v1/pods`. */
  path: string;
  /** Restricts the watch, as the list is restricted. */
  labelSelector?: string;
  watch: Pick<Watch, 'watch'>;
  /**
   * Lists the collection, passing each object through `trim` as its page
   * arrives (so only one page is ever held whole); the result's
   * resourceVersion starts the watch.
   */
  list(
    trim: (object: unknown) => T,
  ): Promise<{ items: T[]; resourceVersion: string }>;
  /** Keeps only what status derivation needs, so 10,000 pods stay small. */
  trim(object: any): T;
  logger: LoggerService;
  onChange?: (change: ReflectorChange<T>) => void;
  /** Index objects by label, for {@link Reflector.matching}. */
  indexLabels?: boolean;
  /**
   * Backoff between restarts after an error; jitter is added. The cap is
   * low (5 s by default) so a cluster that comes back is read again within
   * seconds.
   */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  random?: () => number;
}

export type ReflectorState = 'starting' | 'synced' | 'retrying' | 'stopped';

export interface ReflectorStatus {
  state: ReflectorState;
  /**
   * When the data was last confirmed current: the last list, event or
   * bookmark actually received. Attempts to reach the cluster do not count.
   */
  lastContact?: number;
  /** Set by {@link Reflector.restartSilent}: since when the watch delivered nothing. */
  silentSince?: number;
  /** Watches restarted because they had gone silent. */
  silentRestarts: number;
  error?: string;
}

/**
 * List-then-watch mirror of one collection, like client-go's reflector.
 *
 * The informer in @kubernetes/client-node stops on the first non-410 error and
 * hides bookmarks; this one restarts with jittered backoff, relists on 410, and
 * counts bookmarks as proof of a live stream, so "data as of" is honest even
 * for collections that rarely change. Only what the cluster actually sent
 * counts as contact: a list, an event or a bookmark; opening a watch does not.
 */
export class Reflector<T extends CachedObject> {
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly labels?: LabelIndex<T>;
  /** Every object, frozen, until the next change (see {@link Reflector.frozenList}). */
  private everything?: readonly T[];
  private resourceVersion = '';
  private abort?: AbortController;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = true;
  private state: ReflectorState = 'stopped';
  private lastContact?: number;
  private silentSince?: number;
  private silentRestarts = 0;
  private lastError?: string;
  /** Bumped on every (re)start, so callbacks of an abandoned watch are ignored. */
  private generation = 0;

  constructor(private readonly options: ReflectorOptions<T>) {
    if (options.indexLabels) this.labels = new LabelIndex<T>();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.state = 'starting';
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.generation += 1;
    this.state = 'stopped';
    clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.abort = undefined;
  }

  /** Drops the watch and relists, e.g. when a watchdog finds it silent. */
  restart(reason: string): void {
    if (this.stopped) return;
    this.options.logger.info(`${this.options.name}: restarting (${reason})`);
    this.abort?.abort();
    this.abort = undefined;
    this.resourceVersion = '';
    clearTimeout(this.retryTimer);
    void this.run();
  }

  /**
   * The watchdog found the watch open but silent: marks the data stale
   * until the new watch delivers something, and restarts with a relist.
   */
  restartSilent(reason: string): void {
    if (this.stopped) return;
    this.silentSince ??= this.lastContact ?? this.now();
    this.silentRestarts += 1;
    this.restart(reason);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.byNamespace.get(namespace ?? '')?.get(name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) {
      return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    }
    return [...this.frozenList()];
  }

  /**
   * Every object, as one frozen list that stays the same until the next
   * change: readers between changes share it, and indexes built on it (see
   * the domain's inNamespace) are built once.
   */
  frozenList(): readonly T[] {
    this.everything ??= Object.freeze(
      [...this.byNamespace.values()].flatMap(items => [...items.values()]),
    );
    return this.everything;
  }

  /** The objects `selector` matches: from the label index when it has one and the selector allows. */
  matching(selector: LabelSelector): T[] {
    return (
      this.labels?.matching(selector) ??
      this.frozenList().filter(item =>
        matchesLabelSelector(selector, item.metadata.labels),
      )
    );
  }

  size(): number {
    let total = 0;
    for (const items of this.byNamespace.values()) total += items.size;
    return total;
  }

  status(): ReflectorStatus {
    return {
      state: this.state,
      lastContact: this.lastContact,
      silentSince: this.silentSince,
      silentRestarts: this.silentRestarts,
      error: this.lastError,
    };
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  private async run(): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopped;
    try {
      if (!this.resourceVersion) {
        const { items, resourceVersion } = await this.options.list(object =>
          this.options.trim(object),
        );
        if (!current()) return;
        this.replaceAll(items);
        this.resourceVersion = resourceVersion;
        this.state = 'synced';
        this.lastContact = this.now();
        this.lastError = undefined;
        this.failures = 0;
      }
      const controller = await this.options.watch.watch(
        this.options.path,
        {
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          labelSelector: this.options.labelSelector,
        },
        (phase, object) => current() && this.onEvent(phase, object),
        error => current() && this.onDone(error),
      );
      if (current()) {
        this.abort = controller;
      } else {
        // Abandoned while it was opening (stopped, or restarted by the watchdog).
        controller.abort();
      }
    } catch (error) {
      if (current()) this.onDone(error);
    }
  }

  private onEvent(phase: string, object: any) {
    if (phase === 'ERROR') {
      // A 410 inside the stream: history is gone, the next start relists.
      if (object?.code === 410) this.resourceVersion = '';
      return;
    }
    this.lastContact = this.now();
    this.silentSince = undefined;
    this.state = 'synced';
    this.lastError = undefined;
    this.failures = 0;
    const resourceVersion = object?.metadata?.resourceVersion;
    if (phase === 'BOOKMARK') {
      if (resourceVersion) this.resourceVersion = resourceVersion;
      return;
    }
    const item = this.options.trim(object);
    let previous: T | undefined;
    if (phase === 'DELETED') {
      previous = this.remove(item);
    } else {
      previous = this.put(item);
    }
    if (resourceVersion) this.resourceVersion = resourceVersion;
    let type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'DELETED';
    if (phase !== 'DELETED') type = previous ? 'MODIFIED' : 'ADDED';
    this.options.onChange?.({ type, object: item, previous });
  }

  private onDone(error: unknown) {
    this.abort = undefined;
    if (this.stopped) return;
    const code = (error as any)?.statusCode ?? (error as any)?.code;
    if (code === 410) this.resourceVersion = '';
    if (!error) {
      // The server closed the watch normally: resume from where we were.
      void this.run();
      return;
    }
    this.failures += 1;
    this.state = 'retrying';
    const message = error instanceof Error ? error.message : String(error);
    const status = (error as any)?.statusCode;
    this.lastError = status ? `${status} ${message}` : message;
    const { minBackoffMs = 500, maxBackoffMs = 5_000 } = this.options;
    const delay = backoffMs(
      this.failures,
      minBackoffMs,
      maxBackoffMs,
      this.options.random,
    );
    this.options.logger.warn(
      `${this.options.name}: watch failed (${
        this.lastError
      }); retrying in ${Math.round(delay)} ms`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.run(), delay);
  }

  private replaceAll(items: T[]) {
    this.byNamespace.clear();
    this.labels?.clear();
    this.everything = undefined;
    for (const item of items) this.put(item);
    this.options.onChange?.({ type: 'RELISTED' });
  }

  /** Stores `item`; returns the object it replaces. */
  private put(item: T): T | undefined {
    this.everything = undefined;
    const namespace = item.metadata.namespace ?? '';
    let items = this.byNamespace.get(namespace);
    if (!items) {
      items = new Map();
      this.byNamespace.set(namespace, items);
    }
    const previous = items.get(item.metadata.name);
    if (previous) this.labels?.remove(previous);
    items.set(item.metadata.name, item);
    this.labels?.add(item);
    return previous;
  }

  /** Forgets the object `item` names; returns it. */
  private remove(item: T): T | undefined {
    this.everything = undefined;
    const namespace = item.metadata.namespace ?? '';
    const items = this.byNamespace.get(namespace);
    const previous = items?.get(item.metadata.name);
    if (!previous) return undefined;
    items!.delete(item.metadata.name);
    if (items!.size === 0) this.byNamespace.delete(namespace);
    this.labels?.remove(previous);
    return previous;
  }
}
