export { ControlPlaneRevisions } from './ControlPlaneRevisions';
