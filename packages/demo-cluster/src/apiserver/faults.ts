import {
  FaultRequest,
  FaultRule,
  injectedError,
  matchesRule,
  seededRandom,
  validateRule,
} from './faultRules';
import {
  RequestCounter,
  RequestCountFilter,
  RequestCountRow,
} from './requestCounter';
import { ApiError, ResourceRef } from './types';
import {
  PodFailureMode,
  WorkloadFault,
  WorkloadFaultRegistry,
  WorkloadRef,
} from './workloadFaults';

export type { FaultRule, FaultVerb, FaultVerbSelector } from './faultRules';

/** What the server should do to one request. */
export interface FaultDecision {
  latencyMs: number;
  error?: ApiError;
  /** Hold the request (before serving it) or its answer until `released`. */
  hold?: { phase: 'request' | 'response'; released: Promise<void> };
  /** A watch that stays open and delivers nothing. */
  silent?: boolean;
}

/**
 * How the cluster refuses connections while unreachable: `refuse` closes the
 * listener (ECONNREFUSED), `reset` accepts and destroys every connection
 * (ECONNRESET).
 *
 * @public
 */
export type UnreachableMode = 'refuse' | 'reset';

/** @public */
export interface Reachability {
  unreachable: boolean;
  mode?: UnreachableMode;
  /** When it comes back by itself, if it does. */
  until?: Date;
}

type WatchCloser = (abrupt: boolean) => void;

interface WatchRegistration {
  close: WatchCloser;
  silence?: () => void;
  namespace?: string;
  name?: string;
}

interface Hold {
  released: Promise<void>;
  release: () => void;
  waiting: number;
}

/**
 * Faults a test or demo can inject into the demo cluster: errors, latency and
 * hangs per resource and verb (always, for a share of requests, or for the
 * next N), dropped or silent watch streams, a whole cluster unreachable and
 * an unreachable sidecar injector, workloads whose new pods fail; plus a
 * count of the requests served.
 * Nothing happens until a fault is added.
 *
 * @public
 */
export class Faults {
  #rules: FaultRule[] = [];
  #nextId = 1;
  readonly #random = new Map<string, () => number>();
  readonly #holds = new Map<string, Hold>();
  readonly #watches = new Map<string, Set<WatchRegistration>>();
  readonly #unreachableInjectors = new Set<string>();
  #reachability: Reachability = { unreachable: false };
  #reachabilityTimer?: NodeJS.Timeout;
  readonly #reachabilityListeners = new Set<(state: Reachability) => void>();
  readonly #counter = new RequestCounter();
  readonly #workloads = new WorkloadFaultRegistry();

  add(rule: FaultRule): FaultRule {
    validateRule(rule);
    const added = { ...rule, id: String(this.#nextId++) };
    this.#rules.push(added);
    if (added.seed !== undefined) {
      this.#random.set(added.id, seededRandom(added.seed));
    }
    if (added.silent) {
      this.#silenceOpenWatches(added);
    }
    return { ...added };
  }

  list(): FaultRule[] {
    return this.#rules.map(rule => ({ ...rule }));
  }

  /** Drops a rule; requests it holds go on. */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter(rule => rule.id !== id);
    this.#random.delete(id);
    this.#release(id);
    return this.#rules.length !== before;
  }

  /** Drops every rule, lets held requests go on, and makes the cluster and every injector reachable again. */
  clear(): void {
    for (const rule of [...this.#rules]) {
      this.remove(rule.id!);
    }
    this.#unreachableInjectors.clear();
    this.#workloads.clear();
    this.setUnreachable(false);
  }

  /** Decides the fate of one API request; consumes `failNext` budgets. */
  evaluate(request: FaultRequest): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of [...this.#rules]) {
      if (rule.failNext === 0 || !matchesRule(rule, request)) continue;
      if (!this.#picks(rule)) continue;
      let applied = (rule.latencyMs ?? 0) > 0;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.errorCode !== undefined && !decision.error) {
        decision.error = injectedError(rule, request);
        applied = true;
      }
      if (rule.hang && !decision.hold) {
        decision.hold = {
          phase: rule.hang === 'response' ? 'response' : 'request',
          released: this.#holdFor(rule.id!),
        };
        applied = true;
      }
      if (rule.silent && request.verb === 'watch') {
        decision.silent = true;
        applied = true;
      }
      if (applied && rule.failNext !== undefined) {
        rule.failNext--;
        // A hang rule stays listed, so that removing it releases what it holds.
        if (rule.failNext <= 0 && !rule.hang) {
          this.remove(rule.id!);
        }
      }
    }
    return decision;
  }

  /** How many requests are held by hang rules right now. */
  heldRequests(): number {
    return [...this.#holds.values()].reduce(
      (sum, hold) => sum + hold.waiting,
      0,
    );
  }

  /**
   * Closes the open watch streams on a resource (every resource when
   * omitted): cleanly, as an apiserver timeout does, or abruptly, as a
   * broken connection does. Returns how many were closed.
   */
  dropWatches(ref?: ResourceRef, options: { abrupt?: boolean } = {}): number {
    let dropped = 0;
    for (const [key, registrations] of this.#watches) {
      if (ref && key !== `${ref.group}/${ref.plural}`) continue;
      for (const registration of [...registrations]) {
        registration.close(options.abrupt ?? false);
        dropped++;
      }
    }
    return dropped;
  }

  /** Called by the HTTP server for each open watch; returns the deregistration. */
  registerWatch(
    ref: ResourceRef,
    close: WatchCloser,
    options: Omit<WatchRegistration, 'close'> = {},
  ): () => void {
    const key = `${ref.group}/${ref.plural}`;
    let registrations = this.#watches.get(key);
    if (!registrations) {
      registrations = new Set();
      this.#watches.set(key, registrations);
    }
    const registration = { ...options, close };
    registrations.add(registration);
    return () => {
      registrations!.delete(registration);
    };
  }

  /** Whether the sidecar injector of an istiod revision is made unreachable. */
  isInjectorUnreachable(revision: string): boolean {
    return this.#unreachableInjectors.has(revision);
  }

  setInjectorUnreachable(revision: string, unreachable: boolean): void {
    if (unreachable) {
      this.#unreachableInjectors.add(revision);
    } else {
      this.#unreachableInjectors.delete(revision);
    }
  }

  unreachableInjectors(): string[] {
    return [...this.#unreachableInjectors];
  }

  /**
   * Breaks a workload: its pods that start from now on (after a restart,
   * a scale-up, a replacement) crash-loop or fail readiness, until
   * `healWorkload` (or `clear`), which lets the failing ones recover.
   */
  breakWorkload(fault: WorkloadFault): WorkloadFault {
    return this.#workloads.set(fault);
  }

  /** Returns whether the workload was broken. */
  healWorkload(workload: WorkloadRef): boolean {
    return this.#workloads.remove(workload);
  }

  brokenWorkloads(): WorkloadFault[] {
    return this.#workloads.list();
  }

  /** Asked by the kubelet when a pod starts. */
  podFailureOf(workload: Required<WorkloadRef>): PodFailureMode | undefined {
    return this.#workloads.failureOf(workload);
  }

  onWorkloadFaultsChange(listener: () => void): () => void {
    return this.#workloads.onChange(listener);
  }

  /**
   * Makes the whole cluster unreachable (its server stops taking
   * connections), for `forMs` when given, or reachable again.
   */
  setUnreachable(
    unreachable: boolean,
    options: { forMs?: number; mode?: UnreachableMode } = {},
  ): Reachability {
    clearTimeout(this.#reachabilityTimer);
    this.#reachabilityTimer = undefined;
    const before = this.#reachability;
    this.#reachability = unreachable
      ? {
          unreachable: true,
          mode: options.mode ?? 'refuse',
          ...(options.forMs !== undefined && {
            until: new Date(Date.now() + options.forMs),
          }),
        }
      : { unreachable: false };
    if (unreachable && options.forMs !== undefined) {
      this.#reachabilityTimer = setTimeout(
        () => this.setUnreachable(false),
        options.forMs,
      );
    }
    if (
      before.unreachable !== this.#reachability.unreachable ||
      before.mode !== this.#reachability.mode
    ) {
      for (const listener of [...this.#reachabilityListeners]) {
        listener(this.reachability());
      }
    }
    return this.reachability();
  }

  reachability(): Reachability {
    return { ...this.#reachability };
  }

  /** Called by the HTTP server to follow reachability; returns the unsubscribe. */
  onReachabilityChange(listener: (state: Reachability) => void): () => void {
    this.#reachabilityListeners.add(listener);
    return () => {
      this.#reachabilityListeners.delete(listener);
    };
  }

  /** Called by the HTTP server once per resource request it answered (or lost). */
  recordRequest(request: Omit<RequestCountRow, 'count'>): void {
    this.#counter.record(request);
  }

  /** The requests answered since the start (or the last reset), by resource, verb and outcome. */
  requestCounts(filter?: RequestCountFilter): {
    total: number;
    rows: RequestCountRow[];
  } {
    return this.#counter.counts(filter);
  }

  resetRequestCounts(): void {
    this.#counter.reset();
  }

  #picks(rule: FaultRule): boolean {
    if (rule.percent === undefined || rule.percent >= 100) {
      return true;
    }
    const random = this.#random.get(rule.id!) ?? Math.random;
    return random() * 100 < rule.percent;
  }

  #holdFor(ruleId: string): Promise<void> {
    let hold = this.#holds.get(ruleId);
    if (!hold) {
      let release!: () => void;
      const released = new Promise<void>(resolve => {
        release = resolve;
      });
      hold = { released, release, waiting: 0 };
      this.#holds.set(ruleId, hold);
    }
    hold.waiting++;
    return hold.released;
  }

  #release(ruleId: string): void {
    this.#holds.get(ruleId)?.release();
    this.#holds.delete(ruleId);
  }

  #silenceOpenWatches(rule: FaultRule): void {
    for (const [key, registrations] of this.#watches) {
      const [group, plural] = key.split('/');
      for (const registration of registrations) {
        const request = {
          group,
          plural,
          verb: 'watch' as const,
          namespace: registration.namespace,
          name: registration.name,
        };
        if (matchesRule(rule, request) && this.#picks(rule)) {
          registration.silence?.();
        }
      }
    }
  }
}
