import { FaultRule, Faults, UnreachableMode } from './faults';
import { FaultVerb } from './faultRules';
import { RequestOutcome } from './requestCounter';
import { badRequest, pathNotFound, successStatus } from './status';
import { ApiError } from './types';
import { FaultWorkloadKind, WorkloadFault } from './workloadFaults';

export interface FaultsApiRequest {
  method: string;
  /** The path below `/demo-cluster/faults`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FaultsApiAnswer {
  code: number;
  body: unknown;
  /** Runs once the answer has been sent (making the cluster unreachable must not cut it off). */
  afterAnswer?: () => void;
}

const MAX_UNREACHABLE_MS = 600_000;

/**
 * The fault admin API under `/demo-cluster/faults`, for tests and demos that
 * drive a running server from outside the process (README, "Faults"):
 *
 * - `GET /` lists rules, unreachable injectors, reachability and held requests;
 * - `POST /` adds a rule (a FaultRule body), `DELETE /` clears everything,
 *   `DELETE /<id>` one rule;
 * - `POST /drop-watches` `{group?, plural?, abrupt?}` closes watch streams;
 * - `POST /injector` `{revision, unreachable}` toggles an unreachable injector;
 * - `POST /unreachable` `{durationMs, mode?}` takes the whole cluster off the
 *   network for that long, after answering;
 * - `GET /requests[?group=&plural=&verb=&outcome=]` counts the requests
 *   served, `DELETE /requests` resets the count;
 * - `POST /workloads` `{namespace, name, kind?, mode}` breaks a workload's
 *   next pods, `DELETE /workloads?namespace=&name=&kind=` heals it (every
 *   workload without a query), `GET /workloads` lists them.
 */
export function handleFaultsApi(
  faults: Faults,
  request: FaultsApiRequest,
  options: { writeCount?: () => number } = {},
): FaultsApiAnswer {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const { method, path } = request;
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET ':
      return {
        code: 200,
        body: {
          rules: faults.list(),
          unreachableInjectors: faults.unreachableInjectors(),
          brokenWorkloads: faults.brokenWorkloads(),
          ...faults.reachability(),
          heldRequests: faults.heldRequests(),
        },
      };
    case 'POST ':
      return { code: 201, body: faults.add(body as FaultRule) };
    case 'DELETE ':
      faults.clear();
      return { code: 200, body: successStatus() };
    case 'POST /drop-watches': {
      const ref =
        typeof body.plural === 'string'
          ? { group: String(body.group ?? ''), plural: body.plural }
          : undefined;
      const dropped = faults.dropWatches(ref, { abrupt: body.abrupt === true });
      return { code: 200, body: { dropped } };
    }
    case 'POST /injector':
      if (typeof body.revision !== 'string') {
        throw badRequest('revision is required');
      }
      faults.setInjectorUnreachable(body.revision, body.unreachable !== false);
      return {
        code: 200,
        body: { unreachableInjectors: faults.unreachableInjectors() },
      };
    case 'POST /unreachable':
      return unreachable(faults, body);
    case 'GET /requests': {
      const filter = {
        group: request.query.get('group') ?? undefined,
        plural: request.query.get('plural') ?? undefined,
        verb: (request.query.get('verb') ?? undefined) as FaultVerb | undefined,
        outcome: (request.query.get('outcome') ?? undefined) as
          | RequestOutcome
          | undefined,
      };
      return {
        code: 200,
        body: {
          ...faults.requestCounts(filter),
          writes: options.writeCount?.(),
        },
      };
    }
    case 'DELETE /requests':
      faults.resetRequestCounts();
      return { code: 200, body: successStatus() };
    case 'GET /workloads':
      return { code: 200, body: { workloads: faults.brokenWorkloads() } };
    case 'POST /workloads':
      // Validated by breakWorkload.
      return {
        code: 201,
        body: faults.breakWorkload(body as unknown as WorkloadFault),
      };
    case 'DELETE /workloads':
      return healWorkloads(faults, request.query);
    default:
      break;
  }
  const id = /^\/([^/]+)$/.exec(path)?.[1];
  if (id && method === 'DELETE') {
    if (!faults.remove(id)) {
      throw new ApiError(404, 'NotFound', `fault rule "${id}" not found`);
    }
    return { code: 200, body: successStatus() };
  }
  throw pathNotFound();
}

/** Heals the workload the query names, or every broken one without a query. */
function healWorkloads(
  faults: Faults,
  query: URLSearchParams,
): FaultsApiAnswer {
  if (!query.has('namespace') && !query.has('name')) {
    for (const workload of faults.brokenWorkloads()) {
      faults.healWorkload(workload);
    }
    return { code: 200, body: successStatus() };
  }
  const workload = {
    namespace: query.get('namespace') ?? '',
    name: query.get('name') ?? '',
    kind: (query.get('kind') ?? undefined) as FaultWorkloadKind | undefined,
  };
  if (!faults.healWorkload(workload)) {
    throw new ApiError(
      404,
      'NotFound',
      `workload ${workload.kind ?? 'Deployment'} ${workload.namespace}/${
        workload.name
      } is not broken`,
    );
  }
  return { code: 200, body: successStatus() };
}

/** Over HTTP a duration is required: the API goes down with the cluster. */
function unreachable(
  faults: Faults,
  body: Record<string, unknown>,
): FaultsApiAnswer {
  const { durationMs, mode = 'refuse' } = body;
  if (
    typeof durationMs !== 'number' ||
    !(durationMs > 0 && durationMs <= MAX_UNREACHABLE_MS)
  ) {
    throw badRequest(
      `durationMs must be a number of milliseconds from 1 to ${MAX_UNREACHABLE_MS}`,
    );
  }
  if (mode !== 'refuse' && mode !== 'reset') {
    throw badRequest(`mode must be "refuse" or "reset", got ${mode}`);
  }
  return {
    code: 200,
    body: {
      unreachable: true,
      mode,
      until: new Date(Date.now() + durationMs).toISOString(),
    },
    afterAnswer: () =>
      faults.setUnreachable(true, {
        forMs: durationMs,
        mode: mode as UnreachableMode,
      }),
  };
}
