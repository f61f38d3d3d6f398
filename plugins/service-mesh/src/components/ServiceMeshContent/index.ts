export { ServiceMeshContent } from './ServiceMeshContent';
