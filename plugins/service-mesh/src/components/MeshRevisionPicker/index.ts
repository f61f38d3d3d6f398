export {
  MeshRevisionPicker,
  revisionOptions,
  validateMeshRevision,
} from './MeshRevisionPicker';
export type { MeshRevisionChoice } from './MeshRevisionPicker';
