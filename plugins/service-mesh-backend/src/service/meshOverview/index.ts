export { MeshOverviewService } from './MeshOverviewService';
export type { MeshOverviewServiceOptions } from './MeshOverviewService';
export { registerMeshOverviewRoute } from './routes';
