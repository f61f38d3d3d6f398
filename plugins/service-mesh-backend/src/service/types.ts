import type { Entity } from '@backstage/catalog-model';
import type {
  EntityMeshStatus,
  MeshActionResponse,
  ServiceMeshActionName,
} from '@mesh-backstage/plugin-service-mesh-common';

/** Per action, the request body the router has validated. */
export type ActionRequest = Record<string, unknown> & {
  cluster: string;
  namespace: string;
  dryRun?: boolean;
  force?: boolean;
};

/**
 * The service-mesh operations the HTTP API exposes, as composable calls:
 * the router, scaffolder actions and upgrade jobs all use them.
 */
export interface ServiceMeshService {
  getStatus(entity: Entity): Promise<EntityMeshStatus>;
  runAction(
    action: ServiceMeshActionName,
    entity: Entity,
    request: ActionRequest,
  ): Promise<MeshActionResponse>;
}
