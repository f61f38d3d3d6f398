import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import {
  DemoUser,
  forbidden,
  forbiddenPath,
  impersonated,
  isAllowed,
  isPathAllowed,
} from './authorization';
import { ClusterStore } from './ClusterStore';
import { SERVER_VERSION } from './discovery';
import { FaultDecision, Faults, Reachability } from './faults';
import { handleFaultsApi } from './faultsApi';
import { RequestOutcome } from './requestCounter';
import { accessReviewOf, serveAccessReview } from './http/accessReviews';
import { ResourceCall, resourceCall } from './http/resourceCall';
import { route } from './http/routes';
import { serveResource } from './http/serveResource';
import {
  Answer,
  decodeBody,
  errorAnswer,
  jsonAnswer,
  sendAnswer,
} from './http/transport';
import { openWatch, WatchStream } from './http/watch';
import { openApiV2 } from './http/openApiV2';
import { openApiV2Definitions } from './openapi/openApiV2Definitions';
import { openApiV3 } from './openapi/openApiV3';
import { CUSTOM_RESOURCE_DEFINITIONS } from './builtinResources';
import { toApiError } from './status';
import { ApiError } from './types';

export type { ResourceRequest } from './http/routes';

/** @public */
export interface KubeApiServerOptions {
  store: ClusterStore;
  faults: Faults;
  /** Bearer tokens of users who may do everything; any unknown token gets 401. */
  tokens: string[];
  /** More users, each with its own token and, when it has `rules`, limited rights (403 beyond them). */
  users?: DemoUser[];
  /** Serve the fault admin API under /demo-cluster/faults. */
  faultsApi?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** How often watches with allowWatchBookmarks get a BOOKMARK. Default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** The longest a watch stays open without timeoutSeconds. Default 30 minutes. */
  maxWatchSeconds?: number;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/readyz', '/livez']);
const FAULTS_PREFIX = '/demo-cluster/faults';

/** `Impersonate-User` and `Impersonate-Group` (repeatable), as kubectl --as/--as-group send them. */
function impersonationHeaders(req: IncomingMessage) {
  const group = req.headers['impersonate-group'];
  const user = req.headers['impersonate-user'];
  return {
    user: Array.isArray(user) ? user[0] : user,
    groups: (Array.isArray(group) ? group : [group ?? ''])
      .flatMap(g => g.split(','))
      .map(g => g.trim())
      .filter(Boolean),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * The demo cluster's Kubernetes API over HTTP(S): discovery, CRUD, patch,
 * watch, Table output and Status errors, served from a ClusterStore (the
 * handlers are in `http/`), with the faults of a `Faults` applied to every
 * resource request.
 *
 * @public
 */
export class KubeApiServer {
  readonly #options: KubeApiServerOptions;
  readonly #server: http.Server;
  readonly #users: Map<string, DemoUser>;
  readonly #watches = new Set<WatchStream>();
  #url = '';
  #address?: { port: number; host: string };
  #resetConnections = false;
  #closed = false;
  /** Reachability changes, one after the other. */
  #transition: Promise<void> = Promise.resolve();
  #stopFollowingReachability?: () => void;

  constructor(options: KubeApiServerOptions) {
    this.#options = options;
    this.#users = new Map([
      ...options.tokens.map((token): [string, DemoUser] => [
        token,
        { token, username: 'demo-admin' },
      ]),
      ...(options.users ?? []).map((user): [string, DemoUser] => [
        user.token,
        user,
      ]),
    ]);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(error => {
        if (!res.headersSent) {
          sendAnswer(res, errorAnswer(toApiError(error)));
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
    this.#server.on('connection', (socket: Socket) => {
      if (this.#resetConnections) socket.destroy();
    });
  }

  /** Starts listening; port 0 picks a free port. Resolves to the base URL. */
  async listen(port: number, host: string): Promise<string> {
    await this.#listenOn(port, host);
    const address = this.#server.address() as AddressInfo;
    this.#address = { port: address.port, host };
    const hostname =
      address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#url = `${this.#options.tls ? 'https' : 'http'}://${hostname}:${
      address.port
    }`;
    this.#stopFollowingReachability ??=
      this.#options.faults.onReachabilityChange(state => {
        this.#transition = this.#transition
          .then(() => this.#applyReachability(state))
          .catch(error =>
            // Another process may have taken the port meanwhile.
            process.emitWarning(
              `demo-cluster: could not change reachability: ${error}`,
            ),
          );
      });
    return this.#url;
  }

  get url(): string {
    return this.#url;
  }

  /** Ends open watches and stops accepting connections. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopFollowingReachability?.();
    await this.#transition;
    await this.#stopListening();
  }

  #listenOn(port: number, host: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  async #stopListening(): Promise<void> {
    for (const watch of [...this.#watches]) {
      watch.close(false);
    }
    await new Promise<void>(resolve => {
      // Resolves (with an error) as well when the server was not listening.
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Goes off the network as the fault says, or comes back on the same port. */
  async #applyReachability(state: Reachability): Promise<void> {
    if (this.#closed || !this.#address) return;
    this.#resetConnections = state.unreachable && state.mode === 'reset';
    if (state.unreachable) {
      for (const watch of [...this.#watches]) {
        watch.close(true);
      }
      if (state.mode === 'reset') {
        this.#server.closeAllConnections();
      } else if (this.#server.listening) {
        await this.#stopListening();
      }
    } else if (!this.#server.listening) {
      await this.#listenOn(this.#address.port, this.#address.host);
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo-cluster');
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (PUBLIC_PATHS.has(path)) {
      sendAnswer(
        res,
        path === '/version'
          ? jsonAnswer(SERVER_VERSION)
          : { code: 200, text: 'ok', contentType: 'text/plain' },
      );
      return;
    }
    const user = impersonated(
      this.#authenticate(req),
      impersonationHeaders(req),
      this.#users.values(),
    );
    const method = (req.method ?? 'GET').toLowerCase();

    if (path.startsWith(FAULTS_PREFIX) && this.#options.faultsApi) {
      if (user.rules) throw forbiddenPath(user, path, method);
      const answer = handleFaultsApi(
        this.#options.faults,
        {
          method: req.method ?? 'GET',
          path: path.slice(FAULTS_PREFIX.length),
          query: url.searchParams,
          body: await decodeBody(req),
        },
        { writeCount: () => this.#options.store.writeCount() },
      );
      if (answer.afterAnswer) {
        res.once('finish', () => setImmediate(answer.afterAnswer!));
      }
      sendAnswer(res, jsonAnswer(answer.body, answer.code));
      return;
    }

    const review = accessReviewOf(path);
    if (review) {
      sendAnswer(res, await serveAccessReview(req, review, user));
      return;
    }
    if (path === '/openapi/v2') {
      const { store } = this.#options;
      const crds = store.list(CUSTOM_RESOURCE_DEFINITIONS);
      const resources = store.resources();
      const definitions = openApiV2Definitions(resources, crds);
      sendAnswer(res, openApiV2(req.headers, resources, definitions));
      return;
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      const { store } = this.#options;
      const crds = store.list(CUSTOM_RESOURCE_DEFINITIONS);
      sendAnswer(res, jsonAnswer(openApiV3(path, store.resources(), crds)));
      return;
    }
    const routed = route(path, req.headers, this.#options.store.resources());
    if ('answer' in routed) {
      if (!isPathAllowed(user, path, method)) {
        throw forbiddenPath(user, path, method);
      }
      sendAnswer(res, routed.answer);
      return;
    }
    const call = resourceCall(
      this.#options.store,
      req,
      url,
      routed.resourceRequest,
    );
    const attributes = {
      verb: call.verb,
      group: call.resource.group,
      resource: call.resource.plural,
      subresource: call.subresource,
      namespace: call.namespace,
      name: call.name,
    };
    // Authorization comes before faults, as the apiserver's filters run.
    if (!isAllowed(user, attributes)) throw forbidden(user, attributes);
    await this.#serveWithFaults(call, res);
  }

  #authenticate(req: IncomingMessage): DemoUser {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const user = match && this.#users.get(match[1].trim());
    if (!user) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    return user;
  }

  /** Applies the faults that match, counts the request and serves it. */
  async #serveWithFaults(
    call: ResourceCall,
    res: ServerResponse,
  ): Promise<void> {
    const { faults } = this.#options;
    const decision = faults.evaluate({
      group: call.resource.group,
      plural: call.resource.plural,
      verb: call.verb,
      namespace: call.namespace,
      name: call.name,
    });
    const count = this.#countWhenAnswered(call, res, decision);
    let clientGone = false;
    res.once('close', () => {
      clientGone = !res.writableFinished;
    });
    if (decision.latencyMs > 0) {
      await delay(decision.latencyMs);
    }
    if (decision.hold?.phase === 'request') {
      await decision.hold.released;
      // A client that gave up never reaches storage.
      if (clientGone) return;
    }
    if (decision.error) {
      throw decision.error;
    }
    if (call.verb === 'watch') {
      this.#openWatch(call, res, decision.silent ?? false);
      // A watch is counted once it streams, not when it ends.
      count();
      return;
    }
    const answer: Answer = await serveResource(call).catch(error =>
      errorAnswer(toApiError(error)),
    );
    if (decision.hold?.phase === 'response') {
      await decision.hold.released;
    }
    if (!clientGone) {
      sendAnswer(res, answer);
    }
  }

  /** Counts the request once it is answered or lost; returns the way to count it earlier. */
  #countWhenAnswered(
    call: ResourceCall,
    res: ServerResponse,
    decision: FaultDecision,
  ): () => void {
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const code = res.headersSent ? res.statusCode : 0;
      let outcome: RequestOutcome = 'aborted';
      if (decision.error && code === decision.error.code) outcome = 'fault';
      else if (code >= 400) outcome = 'error';
      else if (code > 0) outcome = 'ok';
      this.#options.faults.recordRequest({
        group: call.resource.group,
        plural: call.resource.plural,
        verb: call.verb,
        outcome,
        code,
      });
    };
    res.once('close', count);
    return count;
  }

  #openWatch(call: ResourceCall, res: ServerResponse, silent: boolean): void {
    const stream = openWatch(call, res, {
      bookmarkIntervalMs: this.#options.bookmarkIntervalMs ?? 1000,
      maxWatchSeconds: this.#options.maxWatchSeconds ?? 1800,
      silent,
    });
    if (!stream) return;
    this.#watches.add(stream);
    const deregister = this.#options.faults.registerWatch(
      call.resource,
      abrupt => stream.close(abrupt),
      {
        namespace: call.namespace,
        name: call.name,
        silence: () => stream.silence(),
      },
    );
    stream.onClose(() => {
      this.#watches.delete(stream);
      deregister();
    });
  }
}
