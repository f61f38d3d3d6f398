import { ApiError, ResourceRef } from './types';

/** The API verbs a fault rule can target. */
export type FaultVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

/**
 * One injected fault. Every given selector field must match the request;
 * a rule without `group`/`plural` applies to every resource.
 *
 * @public
 */
export interface FaultRule {
  /** Assigned when the rule is added. */
  id?: string;
  group?: string;
  plural?: string;
  verb?: FaultVerb;
  namespace?: string;
  /** Delay before the request is served (or refused). */
  latencyMs?: number;
  /** Refuse matching requests with this status code: 409, 429, 500, ... */
  errorCode?: number;
  /** Sent as `Retry-After` (and Status details.retryAfterSeconds) with the error. */
  retryAfterSeconds?: number;
  message?: string;
  /** Refuse only the next N matching requests, then drop the rule. */
  failNext?: number;
}

/** What the server should do to one request. */
export interface FaultDecision {
  latencyMs: number;
  error?: ApiError;
}

interface RequestInfo {
  group: string;
  plural: string;
  verb: FaultVerb;
  namespace?: string;
}

type WatchCloser = (abrupt: boolean) => void;

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * Faults a test or demo can inject into the demo cluster: latency and error
 * answers per resource, dropped watch streams and an unreachable sidecar
 * injector. Nothing happens until a rule is added.
 *
 * @public
 */
export class Faults {
  #rules: FaultRule[] = [];
  #nextId = 1;
  readonly #watches = new Map<string, Set<WatchCloser>>();
  readonly #unreachableInjectors = new Set<string>();

  add(rule: FaultRule): FaultRule {
    if (
      rule.errorCode !== undefined &&
      (!Number.isInteger(rule.errorCode) ||
        rule.errorCode < 400 ||
        rule.errorCode > 599)
    ) {
      throw new ApiError(
        400,
        'BadRequest',
        `errorCode must be an HTTP error status, got ${rule.errorCode}`,
      );
    }
    const added = { ...rule, id: String(this.#nextId++) };
    this.#rules.push(added);
    return { ...added };
  }

  list(): FaultRule[] {
    return this.#rules.map(rule => ({ ...rule }));
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter(rule => rule.id !== id);
    return this.#rules.length !== before;
  }

  /** Drops every rule and marks every injector reachable again. */
  clear(): void {
    this.#rules = [];
    this.#unreachableInjectors.clear();
  }

  /** Decides the fate of one API request; consumes `failNext` budgets. */
  evaluate(request: RequestInfo): FaultDecision {
    let latencyMs = 0;
    let error: ApiError | undefined;
    for (const rule of [...this.#rules]) {
      if (!this.#matches(rule, request)) continue;
      latencyMs += rule.latencyMs ?? 0;
      if (rule.errorCode !== undefined && !error) {
        error = this.#errorFor(rule, request);
        if (rule.failNext !== undefined) {
          rule.failNext--;
          if (rule.failNext <= 0) {
            this.remove(rule.id!);
          }
        }
      }
    }
    return { latencyMs, error };
  }

  /**
   * Closes the open watch streams on a resource (every resource when
   * omitted): cleanly, as an apiserver timeout does, or abruptly, as a
   * broken connection does. Returns how many were closed.
   */
  dropWatches(ref?: ResourceRef, options: { abrupt?: boolean } = {}): number {
    let dropped = 0;
    for (const [key, closers] of this.#watches) {
      if (ref && key !== `${ref.group}/${ref.plural}`) continue;
      for (const close of [...closers]) {
        close(options.abrupt ?? false);
        dropped++;
      }
    }
    return dropped;
  }

  /** Called by the HTTP server for each open watch; returns the deregistration. */
  registerWatch(ref: ResourceRef, close: WatchCloser): () => void {
    const key = `${ref.group}/${ref.plural}`;
    let closers = this.#watches.get(key);
    if (!closers) {
      closers = new Set();
      this.#watches.set(key, closers);
    }
    closers.add(close);
    return () => {
      closers!.delete(close);
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

  #matches(rule: FaultRule, request: RequestInfo): boolean {
    return (
      (rule.group === undefined || rule.group === request.group) &&
      (rule.plural === undefined || rule.plural === request.plural) &&
      (rule.verb === undefined || rule.verb === request.verb) &&
      (rule.namespace === undefined || rule.namespace === request.namespace)
    );
  }

  #errorFor(rule: FaultRule, request: RequestInfo): ApiError {
    const code = rule.errorCode!;
    const reason = REASONS[code] ?? 'InternalError';
    const message =
      rule.message ??
      `injected fault: ${request.verb} ${request.plural} answered ${code}`;
    return new ApiError(code, reason, message, {
      group: request.group,
      kind: request.plural,
      ...(rule.retryAfterSeconds !== undefined && {
        retryAfterSeconds: rule.retryAfterSeconds,
      }),
    });
  }
}
