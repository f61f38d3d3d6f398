import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  EnrollRequest,
  EntityMeshStatus,
  MeshActionResponse,
  RestartRequest,
  RestartResponse,
  ServiceMeshActionName,
  SetInjectionRequest,
  SidecarEgressRequest,
  SidecarEgressResponse,
  SwitchRevisionRequest,
  UnenrollRequest,
} from '@mesh-backstage/plugin-service-mesh-common';

/**
 * The request body of each action.
 *
 * @public
 */
export interface ServiceMeshActionRequests {
  enroll: EnrollRequest;
  unenroll: UnenrollRequest;
  setInjection: SetInjectionRequest;
  switchRevision: SwitchRevisionRequest;
  restart: RestartRequest;
  sidecarEgress: SidecarEgressRequest;
}

/**
 * The response of each action.
 *
 * @public
 */
export interface ServiceMeshActionResponses {
  enroll: MeshActionResponse;
  unenroll: MeshActionResponse;
  setInjection: MeshActionResponse;
  switchRevision: MeshActionResponse;
  restart: RestartResponse;
  sidecarEgress: SidecarEgressResponse;
}

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
}

/**
 * @public
 */
export const serviceMeshApiRef = createApiRef<ServiceMeshApi>().with({
  id: 'plugin.service-mesh.api',
  pluginId: 'service-mesh',
});
