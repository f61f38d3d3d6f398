export { ServiceMeshCard } from './ServiceMeshCard';
