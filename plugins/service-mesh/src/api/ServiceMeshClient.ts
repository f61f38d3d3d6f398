import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type {
  EntityMeshStatus,
  ServiceMeshActionName,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ServiceMeshApi } from './ServiceMeshApi';

/**
 * Talks to the service-mesh backend through the app's discovery and fetch
 * APIs, so requests carry the user's Backstage token.
 *
 * @public
 */
export class ServiceMeshClient implements ServiceMeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityStatus(
    entityRef: CompoundEntityRef,
  ): Promise<EntityMeshStatus> {
    return this.request(`${await this.entityUrl(entityRef)}/status`);
  }

  async runAction<TAction extends ServiceMeshActionName>(
    entityRef: CompoundEntityRef,
    action: TAction,
    request: ServiceMeshActionRequests[TAction],
  ): Promise<ServiceMeshActionResponses[TAction]> {
    return this.request(
      `${await this.entityUrl(entityRef)}/actions/${encodeURIComponent(
        action,
      )}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  private async entityUrl(ref: CompoundEntityRef): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('service-mesh');
    const segments = [ref.kind, ref.namespace, ref.name].map(
      encodeURIComponent,
    );
    return `${baseUrl}/entities/${segments.join('/')}`;
  }

  private async request<T>(url: string, init?: RequestInit): Promise<T> {
    const response = await this.fetchApi.fetch(url, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
