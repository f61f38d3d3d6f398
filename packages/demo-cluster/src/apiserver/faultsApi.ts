import { FaultRule, Faults } from './faults';
import { successStatus } from './status';
import { ApiError } from './types';

/**
 * The fault admin API under `/demo-cluster/faults`, for tests and demos that
 * drive a running server from outside the process:
 *
 * - `GET /` lists rules and unreachable injectors;
 * - `POST /` adds a rule (a FaultRule body);
 * - `DELETE /` clears everything, `DELETE /<id>` one rule;
 * - `POST /drop-watches` `{group?, plural?, abrupt?}` closes watch streams;
 * - `POST /injector` `{revision, unreachable}` toggles an unreachable injector.
 */
export function handleFaultsApi(
  faults: Faults,
  request: { method: string; path: string; body: unknown },
): { code: number; body: unknown } {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const { method, path } = request;
  if (path === '' && method === 'GET') {
    return {
      code: 200,
      body: {
        rules: faults.list(),
        unreachableInjectors: faults.unreachableInjectors(),
      },
    };
  }
  if (path === '' && method === 'POST') {
    return { code: 201, body: faults.add(body as FaultRule) };
  }
  if (path === '' && method === 'DELETE') {
    faults.clear();
    return { code: 200, body: successStatus() };
  }
  if (path === '/drop-watches' && method === 'POST') {
    const ref =
      typeof body.plural === 'string'
        ? { group: String(body.group ?? ''), plural: body.plural }
        : undefined;
    const dropped = faults.dropWatches(ref, { abrupt: body.abrupt === true });
    return { code: 200, body: { dropped } };
  }
  if (path === '/injector' && method === 'POST') {
    if (typeof body.revision !== 'string') {
      throw new ApiError(400, 'BadRequest', 'revision is required');
    }
    faults.setInjectorUnreachable(body.revision, body.unreachable !== false);
    return {
      code: 200,
      body: { unreachableInjectors: faults.unreachableInjectors() },
    };
  }
  const id = /^\/([^/]+)$/.exec(path)?.[1];
  if (id && method === 'DELETE') {
    if (!faults.remove(id)) {
      throw new ApiError(404, 'NotFound', `fault rule "${id}" not found`);
    }
    return { code: 200, body: successStatus() };
  }
  throw new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
  );
}
