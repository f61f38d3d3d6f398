import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { collections } from './collections';
import { loadKubernetesClient, makeTimedApiClient } from './kubernetesClient';
import {
  classifyFailure,
  ClusterUnavailableError,
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  withRetries,
} from './retry';
import { Semaphore } from './Semaphore';

/** A Kubernetes answer that means "someone else changed it first": re-read and re-plan. */
export class StaleWriteError extends ConflictError {
  constructor(
    message: string,
    readonly operation: KubeOperation,
    /** The object as re-read after the write, when the writer did so (null: gone). */
    readonly current?: unknown,
  ) {
    super(message);
  }
}

/**
 * A write that timed out or lost its connection: it may have applied. The
 * writer has re-read the object (`current`); the caller re-plans from it
 * before any retry, so a write that did apply is not made twice.
 */
export class UncertainWriteError extends StaleWriteError {}

export interface KubernetesWriterOptions {
  /** The cluster's name, for messages. */
  cluster: string;
  kubeConfig: () => Promise<KubeConfig>;
  /** Every call is aborted after this long; default 10 s. */
  timeoutMs?: number;
  /** Calls in flight to this cluster at most; default 10. */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** What a writer has done; the fault suite reports these figures. */
export interface WriterCounters {
  /** Calls sent to the cluster, tries and re-reads included. */
  calls: number;
  /** Tries repeated after a 429, 5xx or refused connection. */
  retries: number;
  /** Writes whose outcome was unknown (timeout, dropped connection) and were re-read. */
  uncertain: number;
  /** Calls given up with a 503 once the budget was spent. */
  exhausted: number;
}

type Clients = {
  objects: import('@kubernetes/client-node').KubernetesObjectApi;
  core: import('@kubernetes/client-node').CoreV1Api;
  custom: import('@kubernetes/client-node').CustomObjectsApi;
};

/**
 * Writes planned operations to one cluster with the Kubernetes client. JSON
 * Patch carries the plan's `test` preconditions, so a concurrent change makes
 * the write fail (StaleWriteError) instead of silently overwriting it, and a
 * retried write can never apply twice.
 *
 * Every call has a timeout and waits for one of the cluster's in-flight
 * permits; 429, 5xx and refused connections are retried within a budget
 * (honouring Retry-After), after which the caller gets a 503 that says when
 * to come back.
 */
export class KubernetesWriter {
  readonly counters: WriterCounters = {
    calls: 0,
    retries: 0,
    uncertain: 0,
    exhausted: 0,
  };
  readonly retryPolicy: RetryPolicy;
  private readonly inFlight: Semaphore;
  private clients?: Promise<Clients>;

  constructor(private readonly options: KubernetesWriterOptions) {
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.inFlight = new Semaphore(options.maxInFlight ?? 10);
  }

  /** Writes one operation; resolves to the object's new resourceVersion, when it has one. */
  async apply(operation: KubeOperation): Promise<string | undefined> {
    const clients = await this.getClients();
    try {
      return await this.withRetries(describe(operation), attempt =>
        this.send(clients, operation).catch(error => {
          // An earlier try of this delete may have applied after all.
          if (
            attempt > 1 &&
            operation.verb === 'delete' &&
            (error as any)?.code === 404
          ) {
            return undefined;
          }
          throw error;
        }),
      );
    } catch (error) {
      if (classifyFailure(error).kind === 'uncertain') {
        this.counters.uncertain += 1;
        const current = await this.read(operation);
        throw new UncertainWriteError(
          `${describe(operation)}: no answer (${
            classifyFailure(error).description
          }); re-read the object, as the write may have applied`,
          operation,
          current ?? null,
        );
      }
      throw translateKubernetesError(error, operation);
    }
  }

  /** Reads one object straight from the cluster, bypassing the cache. */
  async read(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  }): Promise<any | undefined> {
    const { objects } = await this.getClients();
    const what = `cluster ${this.options.cluster}: read ${ref.kind} ${
      ref.namespace ? `${ref.namespace}/` : ''
    }${ref.name}`;
    try {
      // Reads change nothing, so an unanswered one is simply tried again.
      return await this.withRetries(
        what,
        () =>
          this.call(() =>
            objects.read({
              apiVersion: ref.apiVersion,
              kind: ref.kind,
              metadata: { name: ref.name, namespace: ref.namespace },
            }),
          ),
        { retryUncertain: true },
      );
    } catch (error) {
      if ((error as any)?.code === 404) return undefined;
      throw translateKubernetesError(error);
    }
  }

  private withRetries<T>(
    what: string,
    call: (attempt: number) => Promise<T>,
    options: { retryUncertain?: boolean } = {},
  ): Promise<T> {
    return withRetries(call, {
      policy: this.retryPolicy,
      what: what.startsWith('cluster ')
        ? what
        : `cluster ${this.options.cluster}: ${what}`,
      retryUncertain: options.retryUncertain,
      sleep: this.options.sleep,
      random: this.options.random,
      onRetry: () => {
        this.counters.retries += 1;
      },
    }).catch(error => {
      if (error instanceof ClusterUnavailableError)
        this.counters.exhausted += 1;
      throw error;
    });
  }

  /** One call to the cluster, holding one of its in-flight permits. */
  private call<T>(send: () => Promise<T>): Promise<T> {
    return this.inFlight.run(() => {
      this.counters.calls += 1;
      return send();
    });
  }

  private getClients(): Promise<Clients> {
    this.clients ??= (async () => {
      const k8s = await loadKubernetesClient();
      const kc = await this.options.kubeConfig();
      const timeoutMs = this.options.timeoutMs ?? 10_000;
      return {
        objects: makeTimedApiClient(
          k8s,
          kc,
          k8s.KubernetesObjectApi,
          timeoutMs,
        ),
        core: makeTimedApiClient(k8s, kc, k8s.CoreV1Api, timeoutMs),
        custom: makeTimedApiClient(k8s, kc, k8s.CustomObjectsApi, timeoutMs),
      };
    })();
    this.clients.catch(() => {
      this.clients = undefined;
    });
    return this.clients;
  }

  private async send(
    clients: Clients,
    operation: KubeOperation,
  ): Promise<string | undefined> {
    switch (operation.verb) {
      case 'create':
        return resourceVersionOf(
          await this.call(() =>
            clients.objects.create(operation.object as any),
          ),
        );
      case 'delete':
        await this.call(() =>
          clients.objects.delete(
            {
              apiVersion: operation.apiVersion,
              kind: operation.kind,
              metadata: {
                name: operation.name,
                namespace: operation.namespace,
              },
            },
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            operation.preconditions
              ? { preconditions: operation.preconditions }
              : undefined,
          ),
        );
        return undefined;
      case 'patch':
        return resourceVersionOf(await this.jsonPatch(clients, operation));
      default:
        throw new InputError(`Unknown operation verb '${operation.verb}'`);
    }
  }

  private async jsonPatch(
    clients: Clients,
    operation: KubeOperation,
  ): Promise<unknown> {
    const k8s = await loadKubernetesClient();
    const options = k8s.setHeaderOptions(
      'Content-Type',
      k8s.PatchStrategy.JsonPatch,
    );
    const [group, version] = operation.apiVersion.includes('/')
      ? operation.apiVersion.split('/')
      : ['', operation.apiVersion];
    if (!group) {
      if (operation.kind !== 'Namespace') {
        throw new InputError(
          `Patching core ${operation.kind} is not supported`,
        );
      }
      return this.call(() =>
        clients.core.patchNamespace(
          { name: operation.name, body: operation.patch },
          options,
        ),
      );
    }
    const plural = pluralOf(operation.kind);
    // The custom-objects client builds /apis/<group>/<version>/... paths,
    // which is also how apps/v1 workloads are addressed.
    if (operation.namespace) {
      return this.call(() =>
        clients.custom.patchNamespacedCustomObject(
          {
            group,
            version,
            namespace: operation.namespace!,
            plural,
            name: operation.name,
            body: operation.patch,
          },
          options,
        ),
      );
    }
    return this.call(() =>
      clients.custom.patchClusterCustomObject(
        {
          group,
          version,
          plural,
          name: operation.name,
          body: operation.patch,
        },
        options,
      ),
    );
  }
}

function resourceVersionOf(object: unknown): string | undefined {
  return (object as { metadata?: { resourceVersion?: string } })?.metadata
    ?.resourceVersion;
}

function describe(operation: KubeOperation): string {
  return `${operation.verb} ${operation.kind} ${
    operation.namespace ? `${operation.namespace}/` : ''
  }${operation.name}`;
}

/** Kinds actions write that the caches do not mirror (see actionPlanners' unwatchedReads). */
const UNWATCHED_PLURALS: Record<string, string> = {
  ServiceEntry: 'serviceentries',
};

function pluralOf(kind: string): string {
  const spec = collections.find(c => c.kind === kind);
  const plural = spec?.plural ?? UNWATCHED_PLURALS[kind];
  if (!plural) throw new InputError(`Writing ${kind} is not supported`);
  return plural;
}

/** Maps a Kubernetes client error to an @backstage/errors type, never passing the raw error on. */
export function translateKubernetesError(
  error: unknown,
  operation?: KubeOperation,
): Error {
  if (
    error instanceof ConflictError ||
    error instanceof InputError ||
    error instanceof NotAllowedError ||
    error instanceof NotFoundError ||
    error instanceof ServiceUnavailableError
  ) {
    return error;
  }
  const code: number | undefined = (error as any)?.code;
  const status = parseStatus((error as any)?.body);
  const what = operation
    ? `${operation.verb} ${operation.kind} ${
        operation.namespace ? `${operation.namespace}/` : ''
      }${operation.name}`
    : 'Kubernetes request';
  const message = `${what} failed: ${
    status?.message ?? (error as Error)?.message ?? String(error)
  }`;
  // 409 Conflict, and 422 from a failed JSON Patch `test`, both mean the
  // object changed since it was read.
  if (
    operation &&
    (code === 409 || (code === 422 && operation.verb === 'patch'))
  ) {
    return new StaleWriteError(message, operation);
  }
  switch (code) {
    case 400:
    case 422:
      return new InputError(message);
    case 401:
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new ServiceUnavailableError(message);
  }
}

function parseStatus(body: unknown): { message?: string } | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  return body as { message?: string } | undefined;
}
