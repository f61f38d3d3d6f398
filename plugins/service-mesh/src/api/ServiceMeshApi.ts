import { createApiRef } from '@backstage/frontend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  EntityMeshStatus,
  ServiceMeshActionName,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
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
}

/**
 * @public
 */
export const serviceMeshApiRef = createApiRef<ServiceMeshApi>().with({
  id: 'plugin.service-mesh.api',
  pluginId: 'service-mesh',
});
