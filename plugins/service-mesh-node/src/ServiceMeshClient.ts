import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  EntityMeshStatus,
  MeshActionResponse,
  NamespaceProvisionRequest,
  ServiceMeshActionName,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';

/**
 * Who a call is made for. Pass the user's credentials (in a template action:
 * `await ctx.getInitiatorCredentials()`), so that the service-mesh backend
 * checks the user's permissions and records the user in its audit events.
 *
 * @public
 */
export interface ServiceMeshRequestOptions {
  credentials: BackstageCredentials;
  signal?: AbortSignal;
}

/**
 * The service-mesh backend's HTTP API, for other backend plugins (such as
 * the scaffolder's template actions). It never acts as the backend itself:
 * every call carries a token on behalf of the given credentials.
 *
 * @public
 */
export interface ServiceMeshService {
  /** `GET /entities/{kind}/{namespace}/{name}/status`. */
  getEntityStatus(
    entityRef: string,
    options: ServiceMeshRequestOptions,
  ): Promise<EntityMeshStatus>;
  /** `POST /entities/{kind}/{namespace}/{name}/actions/{action}`. */
  runAction<A extends ServiceMeshActionName>(
    action: A,
    entityRef: string,
    request: ServiceMeshActionRequests[A],
    options: ServiceMeshRequestOptions,
  ): Promise<ServiceMeshActionResponses[A]>;
  /** `POST /namespaces`: the namespace of a service not in the catalog yet. */
  provisionNamespace(
    request: NamespaceProvisionRequest,
    options: ServiceMeshRequestOptions,
  ): Promise<MeshActionResponse>;
}

/**
 * Calls the service-mesh backend found through discovery, with a plugin
 * request token on behalf of the caller's credentials.
 *
 * @public
 */
export class ServiceMeshClient implements ServiceMeshService {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  getEntityStatus(
    entityRef: string,
    options: ServiceMeshRequestOptions,
  ): Promise<EntityMeshStatus> {
    return this.call('GET', `${entityPath(entityRef)}/status`, options);
  }

  runAction<A extends ServiceMeshActionName>(
    action: A,
    entityRef: string,
    request: ServiceMeshActionRequests[A],
    options: ServiceMeshRequestOptions,
  ): Promise<ServiceMeshActionResponses[A]> {
    return this.call(
      'POST',
      `${entityPath(entityRef)}/actions/${encodeURIComponent(action)}`,
      options,
      request,
    );
  }

  provisionNamespace(
    request: NamespaceProvisionRequest,
    options: ServiceMeshRequestOptions,
  ): Promise<MeshActionResponse> {
    return this.call('POST', '/namespaces', options, request);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: ServiceMeshRequestOptions,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.options.discovery.getBaseUrl('service-mesh');
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: options.credentials,
      targetPluginId: 'service-mesh',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: options.signal,
    });
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      // The backend's own words ("Not allowed: …"), for the template's log.
      const detail = error.body?.error?.message;
      if (detail) error.message = `${error.message}: ${detail}`;
      throw error;
    }
    return (await response.json()) as T;
  }
}

/** `/entities/component/default/name` for `component:default/name`. */
function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/${[kind.toLocaleLowerCase('en-US'), namespace, name]
    .map(encodeURIComponent)
    .join('/')}`;
}
