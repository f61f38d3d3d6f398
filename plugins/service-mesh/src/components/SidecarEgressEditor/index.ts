export { SidecarEgressEditor, namespaceSidecar } from './SidecarEgressEditor';
export type { SidecarEgressEditorProps } from './SidecarEgressEditor';
