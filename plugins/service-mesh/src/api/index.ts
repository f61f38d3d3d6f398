export { serviceMeshApiRef } from './ServiceMeshApi';
export type {
  ServiceMeshApi,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
} from './ServiceMeshApi';
export { ServiceMeshClient } from './ServiceMeshClient';
