import type { UpgradeSummary } from './types';

/**
 * Phases in which an upgrade holds its control plane: a second one is
 * refused. Not Planned: a plan never started blocks nobody. The backend's
 * state machine and store, and the frontend, all count by this list.
 *
 * @public
 */
export const ACTIVE_UPGRADE_PHASES: readonly UpgradeSummary['phase'][] = [
  'Running',
  'WaitingForPromotion',
  'Paused',
  'RollingBack',
];

/**
 * Whether an upgrade in this phase holds its control plane.
 *
 * @public
 */
export function isActiveUpgradePhase(phase: UpgradeSummary['phase']): boolean {
  return ACTIVE_UPGRADE_PHASES.includes(phase);
}
