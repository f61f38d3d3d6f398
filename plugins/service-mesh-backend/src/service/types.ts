import type { Entity } from '@backstage/catalog-model';
import type {
  EntityMeshStatus,
  ServiceMeshActionName,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';

/** The request body of an action, as the router has validated it. */
export type ActionRequest<
  A extends ServiceMeshActionName = ServiceMeshActionName,
> = ServiceMeshActionRequests[A];

/**
 * The service-mesh operations the HTTP API exposes, as composable calls:
 * the router, scaffolder actions and upgrade jobs all use them.
 */
export interface ServiceMeshService {
  getStatus(entity: Entity): Promise<EntityMeshStatus>;
  runAction<A extends ServiceMeshActionName>(
    action: A,
    entity: Entity,
    request: ServiceMeshActionRequests[A],
  ): Promise<ServiceMeshActionResponses[A]>;
}
