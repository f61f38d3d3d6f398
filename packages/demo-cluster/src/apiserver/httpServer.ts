import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { ClusterStore } from './ClusterStore';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreApiVersions,
  SERVER_VERSION,
} from './discovery';
import { Faults, FaultVerb } from './faults';
import { handleFaultsApi } from './faultsApi';
import { apiVersionOf, objectJson, servedVersions } from './objects';
import { applyPatch } from './patch';
import { statusOf, successStatus, toApiError } from './status';
import {
  IncludeObject,
  tableVersionFromAccept,
  toTable,
  TableVersion,
} from './table';
import {
  ApiError,
  DeleteOptions,
  KubeObject,
  PatchType,
  ResourceType,
} from './types';
import { serveWatch, WatchStream } from './watch';

/** @public */
export interface KubeApiServerOptions {
  store: ClusterStore;
  faults: Faults;
  /** Bearer tokens that authenticate; any other gets 401. */
  tokens: string[];
  /** Serve the fault admin API under /demo-cluster/faults. */
  faultsApi?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** How often watches with allowWatchBookmarks get a BOOKMARK. Default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** The longest a watch stays open without timeoutSeconds. Default 30 minutes. */
  maxWatchSeconds?: number;
}

/** A request for one resource type (or one of its objects). */
export interface ResourceRequest {
  resource: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** A `/watch/...` path, the pre-1.11 way to watch. */
  legacyWatch: boolean;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/readyz', '/livez']);

function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, code, JSON.stringify(body), headers);
}

function sendJsonText(
  res: ServerResponse,
  code: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  const retryAfter = error.details?.retryAfterSeconds;
  sendJson(
    res,
    error.code,
    statusOf(error),
    retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
  );
}

function notFoundPath(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {
      causes: [
        { reason: 'UnexpectedServerResponse', message: '404 page not found' },
      ],
    },
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        'request body too large',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text.trim()) {
    return undefined;
  }
  try {
    return /yaml/.test(contentType ?? '') &&
      !/apply-patch/.test(contentType ?? '')
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      'BadRequest',
      `the request body could not be decoded: ${(error as Error).message}`,
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Sorted as etcd keys sort, so pages and kubectl output are stable. */
function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

interface ContinueToken {
  rv: string;
  after: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof token.rv === 'string' && typeof token.after === 'string') {
      return token;
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, 'BadRequest', 'invalid continue token');
}

/**
 * The demo cluster's Kubernetes API over HTTP(S): discovery, CRUD, patch,
 * watch, Table output and Status errors, served from a ClusterStore.
 *
 * @public
 */
export class KubeApiServer {
  readonly #options: KubeApiServerOptions;
  readonly #server: http.Server;
  readonly #watches = new Set<WatchStream>();
  #url = '';

  constructor(options: KubeApiServerOptions) {
    this.#options = options;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(error => {
        if (!res.headersSent) {
          sendError(res, toApiError(error));
        } else {
          res.destroy();
        }
      });
    };
    this.#server = options.tls
      ? https.createServer(
          { key: options.tls.key, cert: options.tls.cert },
          handler,
        )
      : http.createServer(handler);
  }

  /** Starts listening; port 0 picks a free port. Resolves to the base URL. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const hostname =
      address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#url = `${this.#options.tls ? 'https' : 'http'}://${hostname}:${
      address.port
    }`;
    return this.#url;
  }

  get url(): string {
    return this.#url;
  }

  /** Ends open watches and stops accepting connections. */
  async close(): Promise<void> {
    for (const watch of [...this.#watches]) {
      watch.close(false);
    }
    await new Promise<void>(resolve => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo-cluster');
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (PUBLIC_PATHS.has(path)) {
      if (path === '/version') {
        sendJson(res, 200, SERVER_VERSION);
      } else {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      }
      return;
    }
    this.#authenticate(req);

    if (path.startsWith('/demo-cluster/faults') && this.#options.faultsApi) {
      const body = parseBody(await readBody(req), req.headers['content-type']);
      const answer = handleFaultsApi(this.#options.faults, {
        method: req.method ?? 'GET',
        path: path.slice('/demo-cluster/faults'.length),
        body,
      });
      sendJson(res, answer.code, answer.body);
      return;
    }

    const resources = this.#options.store.resources();
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (path === '/api') {
      sendJson(res, 200, coreApiVersions(req.headers.host ?? ''));
      return;
    }
    if (path === '/apis') {
      sendJson(res, 200, apiGroupList(resources));
      return;
    }
    if (path === '/openapi/v3') {
      // An index without group-versions: kubectl then falls back to v2.
      sendJson(res, 200, { paths: {} });
      return;
    }
    if (path === '/openapi/v2') {
      this.#serveOpenApiV2(req, res);
      return;
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroup(resources, segments[1]);
      if (!group) throw notFoundPath();
      sendJson(res, 200, group);
      return;
    }
    let prefix: { group: string; version: string } | undefined;
    let rest: string[] = [];
    if (segments[0] === 'api' && segments.length >= 2) {
      prefix = { group: '', version: segments[1] };
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 3) {
      prefix = { group: segments[1], version: segments[2] };
      rest = segments.slice(3);
    } else {
      throw notFoundPath();
    }
    if (rest.length === 0) {
      const list = apiResourceList(resources, prefix.group, prefix.version);
      if (!list) throw notFoundPath();
      sendJson(res, 200, list);
      return;
    }
    const request = this.#resolve(prefix.group, prefix.version, rest);
    await this.#serveResource(req, res, url, request);
  }

  /**
   * An OpenAPI v2 document without definitions. kubectl (1.20 to 1.35)
   * needs one to `apply` with validation on; with no schema for a kind it
   * skips client-side validation and builds patches from its built-in types.
   * It asks for protobuf, and an empty protobuf message is an empty document.
   */
  #serveOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
    if ((req.headers.accept ?? '').includes('protobuf')) {
      res.writeHead(200, {
        'Content-Type':
          'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
        'Content-Length': 0,
      });
      res.end();
      return;
    }
    sendJson(res, 200, {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
      paths: {},
      definitions: {},
    });
  }

  #authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !this.#options.tokens.includes(match[1].trim())) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
  }

  /** Resolves `[watch/][namespaces/<ns>/]<plural>[/<name>[/<subresource>]]`. */
  #resolve(group: string, version: string, rest: string[]): ResourceRequest {
    let segments = rest;
    const legacyWatch = segments[0] === 'watch';
    if (legacyWatch) {
      segments = segments.slice(1);
    }
    const find = (plural: string) =>
      this.#options.store
        .resources()
        .find(
          r =>
            r.group === group &&
            r.plural === plural &&
            servedVersions(r).includes(version),
        );
    let namespace: string | undefined;
    if (
      segments[0] === 'namespaces' &&
      segments.length >= 3 &&
      !(segments.length === 3 && ['status', 'finalize'].includes(segments[2]))
    ) {
      namespace = segments[1];
      segments = segments.slice(2);
    }
    const [plural, name, subresource, ...extra] = segments;
    const resource = find(plural);
    if (!resource || extra.length > 0 || (namespace && !resource.namespaced)) {
      throw notFoundPath();
    }
    if (
      subresource &&
      !(resource.subresources ?? []).includes(subresource) &&
      !(resource.plural === 'namespaces' && subresource === 'finalize')
    ) {
      throw notFoundPath();
    }
    return { resource, version, namespace, name, subresource, legacyWatch };
  }

  async #serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    request: ResourceRequest,
  ): Promise<void> {
    const { store, faults } = this.#options;
    const { resource, namespace, name, subresource } = request;
    const query = url.searchParams;
    const method = req.method ?? 'GET';
    const watch =
      request.legacyWatch || ['true', '1'].includes(query.get('watch') ?? '');
    const verb = this.#verbOf(method, Boolean(name), watch);

    const decision = faults.evaluate({
      group: resource.group,
      plural: resource.plural,
      verb,
      namespace,
    });
    if (decision.latencyMs > 0) {
      await delay(decision.latencyMs);
    }
    if (decision.error) {
      throw decision.error;
    }

    const present = (object: KubeObject): KubeObject => {
      const apiVersion = apiVersionOf(resource.group, request.version);
      return object.apiVersion === apiVersion
        ? object
        : { ...object, apiVersion };
    };
    const tableVersion = tableVersionFromAccept(req.headers.accept);
    const includeObject = (query.get('includeObject') ?? undefined) as
      | IncludeObject
      | undefined;
    const dryRun = query.getAll('dryRun').includes('All');
    const listOptions = {
      namespace,
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: this.#fieldSelector(query, name, request.legacyWatch),
    };

    if (verb === 'watch') {
      const sendInitialEvents = query.get('sendInitialEvents') === 'true';
      const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
      if (sendInitialEvents && !allowBookmarks) {
        // As the apiserver does: the end of the initial events is a bookmark.
        throw new ApiError(
          422,
          'Invalid',
          'sendInitialEvents requires setting allowWatchBookmarks to true',
        );
      }
      const stream = serveWatch(req, res, {
        store,
        resource,
        options: {
          ...listOptions,
          resourceVersion: query.get('resourceVersion') ?? undefined,
        },
        present,
        allowBookmarks,
        sendInitialEvents,
        bookmarkIntervalMs: this.#options.bookmarkIntervalMs ?? 1000,
        timeoutSeconds: Math.min(
          Number(query.get('timeoutSeconds')) || Infinity,
          this.#options.maxWatchSeconds ?? 1800,
        ),
        table: tableVersion && { tableVersion, includeObject },
      });
      if (stream) {
        this.#watches.add(stream);
        const deregister = faults.registerWatch(resource, abrupt =>
          stream.close(abrupt),
        );
        stream.onClose(() => {
          this.#watches.delete(stream);
          deregister();
        });
      }
      return;
    }

    if (subresource === 'scale') {
      await this.#serveScale(req, res, request, method, dryRun);
      return;
    }

    const sendObject = (code: number, object: KubeObject) => {
      const presented = present(object);
      sendJson(
        res,
        code,
        tableVersion && method === 'GET'
          ? toTable(resource, [presented], { tableVersion, includeObject })
          : presented,
      );
    };

    switch (verb) {
      case 'get': {
        const object = store.get(resource, namespace, name!);
        if (!object) {
          throw this.#notFound(resource, name!);
        }
        sendObject(200, object);
        return;
      }
      case 'list': {
        this.#serveList(
          res,
          request,
          query,
          listOptions,
          present,
          tableVersion,
          includeObject,
        );
        return;
      }
      case 'create': {
        const body = this.#objectBody(await this.#body(req), request);
        if (resource.namespaced && !namespace) {
          throw new ApiError(
            405,
            'MethodNotAllowed',
            `the server does not allow this method on the requested resource: create ${resource.plural} needs a namespace`,
          );
        }
        sendObject(201, store.create(resource, body, { dryRun }));
        return;
      }
      case 'update': {
        const body = this.#objectBody(await this.#body(req), request);
        if (body.metadata.name !== name) {
          throw new ApiError(
            400,
            'BadRequest',
            `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
          );
        }
        const updated =
          subresource === 'status'
            ? store.updateStatus(resource, body, { dryRun })
            : store.update(resource, body, { dryRun });
        sendObject(200, updated);
        return;
      }
      case 'patch': {
        const contentType = (req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        const text = await readBody(req);
        const patch =
          contentType === 'application/apply-patch+yaml'
            ? {}
            : parseBody(text, 'json');
        sendObject(
          200,
          store.patch(
            resource,
            namespace,
            name!,
            contentType as PatchType,
            patch ?? {},
            {
              dryRun,
              subresource: subresource === 'status' ? 'status' : undefined,
            },
          ),
        );
        return;
      }
      case 'delete': {
        const body = ((await this.#body(req)) ?? {}) as {
          propagationPolicy?: DeleteOptions['propagationPolicy'];
          preconditions?: DeleteOptions['preconditions'];
          dryRun?: string[];
        };
        const deleted = store.delete(resource, namespace, name!, {
          dryRun: dryRun || (body.dryRun ?? []).includes('All'),
          propagationPolicy:
            (query.get(
              'propagationPolicy',
            ) as DeleteOptions['propagationPolicy']) ?? body.propagationPolicy,
          preconditions: body.preconditions,
        });
        sendObject(200, deleted);
        return;
      }
      case 'deletecollection': {
        const { items } = store.snapshot(resource, listOptions);
        for (const item of [...items]) {
          if (
            store.get(resource, item.metadata.namespace, item.metadata.name!)
          ) {
            store.delete(
              resource,
              item.metadata.namespace,
              item.metadata.name!,
              { dryRun },
            );
          }
        }
        sendJson(res, 200, successStatus());
        return;
      }
      default:
        throw new ApiError(
          405,
          'MethodNotAllowed',
          `method ${method} is not allowed`,
        );
    }
  }

  #verbOf(method: string, hasName: boolean, watch: boolean): FaultVerb {
    switch (method) {
      case 'GET':
        if (watch) return 'watch';
        return hasName ? 'get' : 'list';
      case 'POST':
        if (hasName) {
          throw new ApiError(
            405,
            'MethodNotAllowed',
            'POST needs a collection path',
          );
        }
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return hasName ? 'delete' : 'deletecollection';
      default:
        throw new ApiError(
          405,
          'MethodNotAllowed',
          `method ${method} is not allowed`,
        );
    }
  }

  /** A watch on one object watches the collection with a name field selector. */
  #fieldSelector(
    query: URLSearchParams,
    name: string | undefined,
    legacyWatch: boolean,
  ): string | undefined {
    const given = query.get('fieldSelector') ?? undefined;
    const watchingOne =
      name && (legacyWatch || ['true', '1'].includes(query.get('watch') ?? ''));
    if (!watchingOne) {
      return given;
    }
    return [given, `metadata.name=${name}`].filter(Boolean).join(',');
  }

  #serveList(
    res: ServerResponse,
    request: ResourceRequest,
    query: URLSearchParams,
    listOptions: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
    },
    present: (object: KubeObject) => KubeObject,
    tableVersion: TableVersion | undefined,
    includeObject: IncludeObject | undefined,
  ): void {
    const { store } = this.#options;
    const { resource } = request;
    const snapshot = store.snapshot(resource, listOptions);
    // Keys computed once, not per comparison: lists can hold 10,000 items.
    const sorted = snapshot.items
      .map(object => ({ object, key: objectKey(object) }))
      .sort((a, b) => {
        if (a.key < b.key) return -1;
        return a.key > b.key ? 1 : 0;
      })
      .map(entry => entry.object);
    let listResourceVersion = snapshot.resourceVersion;
    let remaining = sorted;
    const continueParam = query.get('continue');
    if (continueParam) {
      const token = decodeContinue(continueParam);
      if (Number(token.rv) < store.compactedResourceVersion()) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      listResourceVersion = token.rv;
      remaining = sorted.filter(object => objectKey(object) > token.after);
    }
    const limit = Number(query.get('limit')) || 0;
    const page = limit > 0 ? remaining.slice(0, limit) : remaining;
    const more = page.length < remaining.length;
    const metadata = {
      resourceVersion: listResourceVersion,
      ...(more && {
        continue: encodeContinue({
          rv: listResourceVersion,
          after: objectKey(page[page.length - 1]),
        }),
        remainingItemCount: remaining.length - page.length,
      }),
    };
    if (tableVersion) {
      sendJson(
        res,
        200,
        toTable(resource, page.map(present), {
          tableVersion,
          includeObject,
          listMetadata: metadata,
        }),
      );
      return;
    }
    const head = JSON.stringify({
      kind: `${resource.kind}List`,
      apiVersion: apiVersionOf(resource.group, request.version),
      metadata,
    });
    const items = page.map(object => objectJson(present(object))).join(',');
    sendJsonText(res, 200, `${head.slice(0, -1)},"items":[${items}]}`);
  }

  /** The autoscaling/v1 Scale view of a workload's spec.replicas. */
  async #serveScale(
    req: IncomingMessage,
    res: ServerResponse,
    request: ResourceRequest,
    method: string,
    dryRun: boolean,
  ): Promise<void> {
    const { store } = this.#options;
    const { resource, namespace, name } = request;
    const current = store.get(resource, namespace, name!);
    if (!current) {
      throw this.#notFound(resource, name!);
    }
    const scaleOf = (object: KubeObject) => {
      const spec = (object.spec ?? {}) as {
        replicas?: number;
        selector?: { matchLabels?: Record<string, string> };
      };
      const status = (object.status ?? {}) as { replicas?: number };
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name: object.metadata.name,
          namespace: object.metadata.namespace,
          uid: object.metadata.uid,
          resourceVersion: object.metadata.resourceVersion,
          creationTimestamp: object.metadata.creationTimestamp,
        },
        spec: { replicas: spec.replicas ?? 1 },
        status: {
          replicas: status.replicas ?? 0,
          selector: Object.entries(spec.selector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        },
      };
    };
    if (method === 'GET') {
      sendJson(res, 200, scaleOf(current));
      return;
    }
    let desired: {
      metadata?: { resourceVersion?: string };
      spec?: { replicas?: number };
    };
    if (method === 'PUT') {
      desired = (await this.#body(req)) as typeof desired;
    } else if (method === 'PATCH') {
      desired = applyPatch(
        scaleOf(current) as unknown as KubeObject,
        req.headers['content-type'] ?? '',
        parseBody(await readBody(req), 'json'),
      ) as typeof desired;
    } else {
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `method ${method} is not allowed on scale`,
      );
    }
    const replicas = desired?.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0) {
      throw new ApiError(
        422,
        'Invalid',
        'Scale.spec.replicas: Invalid value: must be a non-negative integer',
      );
    }
    const updated = store.update(
      resource,
      {
        ...current,
        metadata: {
          ...current.metadata,
          resourceVersion:
            desired.metadata?.resourceVersion ??
            current.metadata.resourceVersion,
        },
        spec: { ...(current.spec as object), replicas },
      },
      { dryRun },
    );
    sendJson(res, 200, scaleOf(updated));
  }

  async #body(req: IncomingMessage): Promise<unknown> {
    return parseBody(await readBody(req), req.headers['content-type']);
  }

  /** Checks a create/update body against the URL it was sent to. */
  #objectBody(body: unknown, request: ResourceRequest): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError(
        400,
        'BadRequest',
        'the request body must be a JSON object',
      );
    }
    const object = body as KubeObject;
    object.metadata = object.metadata ?? {};
    const { resource, namespace } = request;
    if (resource.namespaced && namespace) {
      if (
        object.metadata.namespace &&
        object.metadata.namespace !== namespace
      ) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = namespace;
    }
    if (object.kind && object.kind !== resource.kind) {
      throw new ApiError(
        400,
        'BadRequest',
        `the kind of the provided object (${object.kind}) does not match the resource (${resource.kind})`,
      );
    }
    return object;
  }

  #notFound(resource: ResourceType, name: string): ApiError {
    const qualified = resource.group
      ? `${resource.plural}.${resource.group}`
      : resource.plural;
    return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, {
      name,
      group: resource.group,
      kind: resource.plural,
    });
  }
}
