import { IncomingMessage } from 'node:http';
import { ClusterStore } from '../ClusterStore';
import { FaultVerb } from '../faultRules';
import { checkFieldLabels } from '../fieldLabels';
import { apiVersionOf } from '../objects';
import { methodNotAllowed } from '../status';
import { IncludeObject, tableVersionFromAccept, TableVersion } from '../table';
import { KubeObject, ListOptions } from '../types';
import { ResourceRequest } from './routes';
import { decodeBody, readBody } from './transport';

/** One request on a resource, with what every handler reads from it. */
export interface ResourceCall extends ResourceRequest {
  store: ClusterStore;
  req: IncomingMessage;
  method: string;
  verb: FaultVerb;
  query: URLSearchParams;
  /** Namespace and selectors, as a list or watch filters. */
  listOptions: ListOptions;
  dryRun: boolean;
  /** The Table version the client accepts, if it asked for a Table. */
  tableVersion?: TableVersion;
  includeObject?: IncludeObject;
  /** The object as the requested API version shows it. */
  present(object: KubeObject): KubeObject;
  /** The body decoded by its Content-Type. */
  body(): Promise<unknown>;
  rawBody(): Promise<string>;
}

export function verbOf(
  method: string,
  hasName: boolean,
  watch: boolean,
): FaultVerb {
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      if (hasName) {
        throw methodNotAllowed('POST needs a collection path');
      }
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed(`method ${method} is not allowed`);
  }
}

/** A watch on one object watches the collection with a name field selector. */
function fieldSelectorOf(
  query: URLSearchParams,
  request: ResourceRequest,
  watch: boolean,
): string | undefined {
  const given = query.get('fieldSelector') ?? undefined;
  if (!request.name || !watch) {
    return given;
  }
  return [given, `metadata.name=${request.name}`].filter(Boolean).join(',');
}

export function resourceCall(
  store: ClusterStore,
  req: IncomingMessage,
  url: URL,
  request: ResourceRequest,
): ResourceCall {
  const query = url.searchParams;
  const method = req.method ?? 'GET';
  const watch =
    request.legacyWatch || ['true', '1'].includes(query.get('watch') ?? '');
  const apiVersion = apiVersionOf(request.resource.group, request.version);
  const verb = verbOf(method, Boolean(request.name), watch);
  if (['list', 'watch', 'deletecollection'].includes(verb)) {
    checkFieldLabels(request.resource, request.version, {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
  }
  return {
    ...request,
    store,
    req,
    method,
    verb,
    query,
    listOptions: {
      namespace: request.namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: fieldSelectorOf(query, request, watch),
    },
    dryRun: query.getAll('dryRun').includes('All'),
    tableVersion: tableVersionFromAccept(req.headers.accept),
    includeObject: (query.get('includeObject') ?? undefined) as
      | IncludeObject
      | undefined,
    present: object =>
      object.apiVersion === apiVersion ? object : { ...object, apiVersion },
    body: () => decodeBody(req),
    rawBody: () => readBody(req),
  };
}
