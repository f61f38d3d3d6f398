/*
 * Canary control-plane upgrades, pure: plan from a snapshot, gate decisions,
 * the operations' transitions, and the next idempotent steps of a runner.
 */
export * from './types';
export { planUpgrade, planBatches, chunk, workloadsToRestart } from './planner';
export type { UpgradePlanOutcome } from './planner';
export { runPrechecks, MAX_CONTROL_PLANE_LEAD } from './prechecks';
export {
  evaluateGate,
  isCrashLooping,
  isOptedOut,
  isPodReady,
  proxyOnTarget,
  versionMatches,
} from './gate';
export type {
  GateBatch,
  GateDecision,
  GateTarget,
  WorkloadProblem,
} from './gate';
export {
  ACTIVE_PHASES,
  TERMINAL_PHASES,
  applyOperation,
  createUpgradeState,
} from './machine';
export type { OperationContext } from './machine';
export { advanceUpgrade, recordStepFailure } from './progress';
export {
  fromRevisionUsage,
  nextSteps,
  podsOnFromRevision,
  unusedMessage,
} from './steps';
export { upgradeFlavours } from './flavours';
export type { UpgradePlanRefusal } from './flavours';
