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
import { loadKubernetesClient } from './kubernetesClient';

/** A Kubernetes answer that means "someone else changed it first": re-read and re-plan. */
export class StaleWriteError extends ConflictError {
  constructor(message: string, readonly operation: KubeOperation) {
    super(message);
  }
}

/**
 * Writes planned operations to one cluster with the Kubernetes client. JSON
 * Patch carries the plan's `test` preconditions, so a concurrent change makes
 * the write fail (StaleWriteError) instead of silently overwriting it.
 */
export class KubernetesWriter {
  constructor(private readonly kubeConfig: () => Promise<KubeConfig>) {}

  async apply(operation: KubeOperation): Promise<void> {
    const k8s = await loadKubernetesClient();
    const kc = await this.kubeConfig();
    try {
      switch (operation.verb) {
        case 'create':
          await k8s.KubernetesObjectApi.makeApiClient(kc).create(
            operation.object as any,
          );
          return;
        case 'delete':
          await k8s.KubernetesObjectApi.makeApiClient(kc).delete(
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
          );
          return;
        case 'patch':
          await this.jsonPatch(k8s, kc, operation);
          return;
        default:
          throw new InputError(`Unknown operation verb '${operation.verb}'`);
      }
    } catch (error) {
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
    const k8s = await loadKubernetesClient();
    const kc = await this.kubeConfig();
    try {
      return await k8s.KubernetesObjectApi.makeApiClient(kc).read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, namespace: ref.namespace },
      });
    } catch (error) {
      if ((error as any)?.code === 404) return undefined;
      throw translateKubernetesError(error);
    }
  }

  private async jsonPatch(
    k8s: typeof import('@kubernetes/client-node'),
    kc: KubeConfig,
    operation: KubeOperation,
  ) {
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
      await kc
        .makeApiClient(k8s.CoreV1Api)
        .patchNamespace(
          { name: operation.name, body: operation.patch },
          options,
        );
      return;
    }
    const plural = pluralOf(operation.kind);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    // The custom-objects client builds /apis/<group>/<version>/... paths,
    // which is also how apps/v1 workloads are addressed.
    if (operation.namespace) {
      await custom.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: operation.namespace,
          plural,
          name: operation.name,
          body: operation.patch,
        },
        options,
      );
    } else {
      await custom.patchClusterCustomObject(
        { group, version, plural, name: operation.name, body: operation.patch },
        options,
      );
    }
  }
}

function pluralOf(kind: string): string {
  const spec = collections.find(c => c.kind === kind);
  if (!spec) throw new InputError(`Writing ${kind} is not supported`);
  return spec.plural;
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
    error instanceof NotFoundError
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
