import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type {
  EntityMeshStatus,
  ControlPlaneList,
  MeshOverview,
  ServiceMeshActionName,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
  UpgradeDetails,
  UpgradeEventList,
  UpgradeList,
  UpgradeOperationName,
  UpgradeOperationRequest,
  UpgradePlanResponse,
  UpgradeRequestBody,
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
      jsonPost(request),
    );
  }

  async getMeshOverview(filter: { cluster?: string } = {}) {
    return this.request<MeshOverview>(
      `${await this.baseUrl()}/mesh${query(filter)}`,
    );
  }

  async getControlPlanes() {
    return this.request<ControlPlaneList>(
      `${await this.baseUrl()}/control-planes`,
    );
  }

  async listUpgrades(filter: { cluster?: string; active?: boolean } = {}) {
    return this.request<UpgradeList>(
      `${await this.baseUrl()}/upgrades${query(filter)}`,
    );
  }

  async planUpgrade(request: UpgradeRequestBody) {
    return this.request<UpgradePlanResponse>(
      `${await this.baseUrl()}/upgrades/plan`,
      jsonPost(request),
    );
  }

  async createUpgrade(request: UpgradeRequestBody) {
    return this.request<UpgradeDetails>(
      `${await this.baseUrl()}/upgrades`,
      jsonPost(request),
    );
  }

  async getUpgrade(upgradeId: string) {
    return this.request<UpgradeDetails>(await this.upgradeUrl(upgradeId));
  }

  async getUpgradeEvents(upgradeId: string) {
    return this.request<UpgradeEventList>(
      `${await this.upgradeUrl(upgradeId)}/events`,
    );
  }

  async operateUpgrade(
    upgradeId: string,
    operation: UpgradeOperationName,
    request: UpgradeOperationRequest,
  ) {
    return this.request<UpgradeDetails>(
      `${await this.upgradeUrl(upgradeId)}/operations/${encodeURIComponent(
        operation,
      )}`,
      jsonPost(request),
    );
  }

  private baseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('service-mesh');
  }

  private async upgradeUrl(upgradeId: string): Promise<string> {
    return `${await this.baseUrl()}/upgrades/${encodeURIComponent(upgradeId)}`;
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

function jsonPost(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** A query string of the defined values, or nothing. */
function query(params: Record<string, string | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
