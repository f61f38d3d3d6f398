export { MeshPage } from './MeshPage';
