import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
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

// Request and response types come from the backend's OpenAPI document, via
// -common; re-exported here for code that imports them from the client.
export type { ServiceMeshActionRequests, ServiceMeshActionResponses };

/**
 * Client of the service-mesh backend's HTTP API.
 *
 * @public
 */
export interface ServiceMeshApi {
  /** The mesh status of every namespace of the entity, per cluster. */
  getEntityStatus(entityRef: CompoundEntityRef): Promise<EntityMeshStatus>;

  /**
   * Plans one action and, unless `request.dryRun` is set, applies it.
   * Rejects with a `ResponseError` carrying the backend's error body.
   */
  runAction<TAction extends ServiceMeshActionName>(
    entityRef: CompoundEntityRef,
    action: TAction,
    request: ServiceMeshActionRequests[TAction],
  ): Promise<ServiceMeshActionResponses[TAction]>;

  /** The mesh across clusters, for the platform page (`GET /mesh`). */
  getMeshOverview(filter?: { cluster?: string }): Promise<MeshOverview>;

  /** Control planes per cluster, for the template's revision picker (`GET /control-planes`). */
  getControlPlanes(): Promise<ControlPlaneList>;

  /** Canary control-plane upgrades, newest first. */
  listUpgrades(filter?: {
    cluster?: string;
    active?: boolean;
  }): Promise<UpgradeList>;

  /** The dry run of an upgrade: prechecks and the whole plan; writes nothing. */
  planUpgrade(request: UpgradeRequestBody): Promise<UpgradePlanResponse>;

  /** Plans again and starts the upgrade. */
  createUpgrade(request: UpgradeRequestBody): Promise<UpgradeDetails>;

  getUpgrade(upgradeId: string): Promise<UpgradeDetails>;

  getUpgradeEvents(upgradeId: string): Promise<UpgradeEventList>;

  /** Pause, resume, promote, retry, skip, abort or roll back an upgrade. */
  operateUpgrade(
    upgradeId: string,
    operation: UpgradeOperationName,
    request: UpgradeOperationRequest,
  ): Promise<UpgradeDetails>;
}

/**
 * @public
 */
export const serviceMeshApiRef = createApiRef<ServiceMeshApi>().with({
  id: 'plugin.service-mesh.api',
  pluginId: 'service-mesh',
});
