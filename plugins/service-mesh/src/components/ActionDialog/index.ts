export { ActionDialog } from './ActionDialog';
export { PlanView, VisibleServicesChange } from './PlanView';
export type { ActionDialogProps } from './ActionDialog';
export type {
  MeshActionIntent,
  AnyActionResponse,
  RestartOffer,
} from './meshActionIntent';
