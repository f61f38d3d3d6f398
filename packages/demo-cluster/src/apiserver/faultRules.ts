import { badRequest } from './status';
import { ApiError } from './types';

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

/** A verb, or a class of verbs: `read` (get, list, watch) or `write` (the rest). */
export type FaultVerbSelector = FaultVerb | 'read' | 'write';

const READ_VERBS: FaultVerb[] = ['get', 'list', 'watch'];
const WRITE_VERBS: FaultVerb[] = [
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];
const VERB_CLASSES: Record<string, FaultVerb[]> = {
  read: READ_VERBS,
  write: WRITE_VERBS,
  ...Object.fromEntries(
    [...READ_VERBS, ...WRITE_VERBS].map(verb => [verb, [verb]]),
  ),
};

/**
 * One injected fault. Every given selector field must match the request; a
 * rule without `group`/`plural` applies to every resource.
 *
 * @public
 */
export interface FaultRule {
  /** Assigned when the rule is added. */
  id?: string;
  group?: string;
  plural?: string;
  /** One verb, a class (`read`, `write`) or a list of them. */
  verb?: FaultVerbSelector | FaultVerbSelector[];
  namespace?: string;
  /** The object's name (get, update, patch, delete, or a watch of one object). */
  name?: string;
  /** Delay before the request is served (or refused). */
  latencyMs?: number;
  /** Refuse matching requests with this status code: 409, 429, 500, ... */
  errorCode?: number;
  /** Sent as `Retry-After` (and Status details.retryAfterSeconds) with the error. */
  retryAfterSeconds?: number;
  message?: string;
  /**
   * Never answer while the rule exists: `request` (or `true`) holds the
   * request before it is served, `response` serves it (a write applies) and
   * holds the answer. Removing the rule lets them go on, for clients still
   * waiting; a held request whose client has gone is dropped unserved.
   */
  hang?: true | 'request' | 'response';
  /** Watches stay open and deliver nothing (no events, bookmarks or end). */
  silent?: boolean;
  /** The share of matching requests the rule hits, 0 to 100; default 100. */
  percent?: number;
  /** Seeds the rule's own random choice of requests, for repeatable tests. */
  seed?: number;
  /** Hit only the next N (chosen) requests, then drop the rule. */
  failNext?: number;
}

/** The request a rule is matched against. */
export interface FaultRequest {
  group: string;
  plural: string;
  verb: FaultVerb;
  namespace?: string;
  name?: string;
}

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

function verbsOf(rule: FaultRule): FaultVerb[] | undefined {
  if (rule.verb === undefined) return undefined;
  const selectors = Array.isArray(rule.verb) ? rule.verb : [rule.verb];
  return selectors.flatMap(selector => VERB_CLASSES[selector] ?? []);
}

function isNumberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}

/** Refuses a rule that could not do what it says, with a 400 naming the field. */
export function validateRule(rule: FaultRule): void {
  const selectors =
    rule.verb === undefined
      ? []
      : ([] as unknown[]).concat(rule.verb as unknown);
  const unknownVerb = selectors.find(
    selector => typeof selector !== 'string' || !VERB_CLASSES[selector],
  );
  const checks: Array<[boolean, string]> = [
    [
      unknownVerb === undefined,
      `verb must be one of ${Object.keys(VERB_CLASSES).join(
        ', ',
      )}, got ${JSON.stringify(unknownVerb)}`,
    ],
    [
      rule.errorCode === undefined ||
        (Number.isInteger(rule.errorCode) &&
          isNumberIn(rule.errorCode, 400, 599)),
      `errorCode must be an HTTP error status, got ${rule.errorCode}`,
    ],
    [
      rule.percent === undefined || isNumberIn(rule.percent, 0, 100),
      `percent must be a number from 0 to 100, got ${rule.percent}`,
    ],
    [
      rule.latencyMs === undefined || isNumberIn(rule.latencyMs, 0, 3_600_000),
      `latencyMs must be a number from 0 to 3600000, got ${rule.latencyMs}`,
    ],
    [
      rule.failNext === undefined ||
        (Number.isInteger(rule.failNext) && rule.failNext > 0),
      `failNext must be a positive integer, got ${rule.failNext}`,
    ],
    [
      rule.hang === undefined ||
        rule.hang === true ||
        rule.hang === 'request' ||
        rule.hang === 'response',
      `hang must be true, "request" or "response", got ${JSON.stringify(
        rule.hang,
      )}`,
    ],
    [
      rule.seed === undefined || Number.isFinite(rule.seed),
      `seed must be a number, got ${rule.seed}`,
    ],
  ];
  for (const [ok, message] of checks) {
    if (!ok) throw badRequest(message);
  }
}

export function matchesRule(rule: FaultRule, request: FaultRequest): boolean {
  const verbs = verbsOf(rule);
  return (
    (rule.group === undefined || rule.group === request.group) &&
    (rule.plural === undefined || rule.plural === request.plural) &&
    (verbs === undefined || verbs.includes(request.verb)) &&
    (rule.namespace === undefined || rule.namespace === request.namespace) &&
    (rule.name === undefined || rule.name === request.name)
  );
}

/** The Status error a rule answers with. */
export function injectedError(
  rule: FaultRule,
  request: FaultRequest,
): ApiError {
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

/** A small seeded generator (mulberry32): uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = Math.floor(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
