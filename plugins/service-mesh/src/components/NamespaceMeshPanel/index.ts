export { NamespaceMeshPanel } from './NamespaceMeshPanel';
export type { NamespaceMeshPanelProps } from './NamespaceMeshPanel';
