export { ActionDialog, PlanView } from './ActionDialog';
export type { ActionDialogProps } from './ActionDialog';
export type { MeshActionIntent, AnyActionResponse } from './meshActionIntent';
