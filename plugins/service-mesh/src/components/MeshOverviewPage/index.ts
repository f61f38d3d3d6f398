export { MeshOverviewPage } from './MeshOverviewPage';
