/**
 * Node.js library of the service-mesh plugin: a client of its HTTP API that
 * calls on behalf of a user, for other backend plugins and modules.
 *
 * @packageDocumentation
 */

export { ServiceMeshClient } from './ServiceMeshClient';
export type {
  ServiceMeshRequestOptions,
  ServiceMeshService,
} from './ServiceMeshClient';
export { serviceMeshServiceRef } from './serviceRef';
