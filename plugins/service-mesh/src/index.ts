/**
 * Service-mesh status, links and self-service actions on Backstage entity
 * pages. The new frontend system imports `@mesh-backstage/plugin-service-mesh/alpha`.
 *
 * @packageDocumentation
 */

export {
  serviceMeshPlugin,
  EntityServiceMeshCard,
  EntityServiceMeshContent,
  ServiceMeshPage,
  serviceMeshEntityContentRouteRef,
  serviceMeshPageRouteRef,
} from './plugin';
export { isServiceMeshAvailable } from './lib/isServiceMeshAvailable';
export { MeshRevisionPickerFieldExtension } from './fieldExtensions';
export type { MeshRevisionChoice } from './components/MeshRevisionPicker';
export { serviceMeshApiRef, ServiceMeshClient } from './api';
export type {
  ServiceMeshApi,
  ServiceMeshActionRequests,
  ServiceMeshActionResponses,
} from './api';
