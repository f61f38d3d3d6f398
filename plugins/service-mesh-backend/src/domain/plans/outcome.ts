import type { PlannedChange } from '@mesh-backstage/plugin-service-mesh-common';
import type { Refusal } from '../guards';

export interface PlanSuccess {
  ok: true;
  change: PlannedChange;
  /** Forceable refusals the request overrode with `force`. */
  forced: Refusal[];
  /** The change in plain words; see describePlan. */
  summary?: string;
}

export interface PlanFailure {
  ok: false;
  refusal: Refusal;
}

/** What every action planner returns: a change to make, or why not. */
export type PlanOutcome<Extra extends object = {}> =
  | (PlanSuccess & Extra)
  | PlanFailure;

export function refused(
  kind: Refusal['kind'],
  code: string,
  message: string,
): PlanFailure {
  return { ok: false, refusal: { kind, code, message, forceable: false } };
}
