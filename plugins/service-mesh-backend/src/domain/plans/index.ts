export type { PlanFailure, PlanOutcome, PlanSuccess } from './outcome';
export { planEnroll, planUnenroll } from './enroll';
export type { EnrollOptions } from './enroll';
export { planSetInjection } from './setInjection';
export { planSwitchRevision } from './switchRevision';
export { planRestart } from './restart';
export { planSidecarEgress } from './sidecarEgress';
export type { SidecarEgressOptions } from './sidecarEgress';
export { planServiceEntry, serviceEntryName } from './serviceEntry';
export type { ServiceEntryOptions } from './serviceEntry';
export {
  createOperation,
  deleteOperation,
  escapePointer,
  labelPatch,
  mapChanges,
  patchOperation,
  resourceVersionTest,
  toYaml,
} from './operations';
export { describePlan, describeObjectChange, alreadyDone } from './describe';
export { objectChanges } from './diff';
export { withoutOtherNamespaces } from './present';
