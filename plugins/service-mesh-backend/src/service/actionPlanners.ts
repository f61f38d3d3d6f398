import type {
  MeshActionResponse,
  ServiceMeshActionName,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  describePlan,
  MeshContext,
  planEnroll,
  PlanOutcome,
  planRestart,
  planSetInjection,
  planSidecarEgress,
  planSwitchRevision,
  planUnenroll,
} from '../domain';
import type { MeshCluster } from '../kubernetes/ClusterRegistry';
import type { ActionRequest } from './types';

/** The extra fields of each action's response, besides the planned change. */
type ActionExtras = {
  [A in ServiceMeshActionName]: Omit<
    ServiceMeshActionResponses[A],
    keyof MeshActionResponse
  >;
};

type Planner<A extends ServiceMeshActionName> = (
  context: MeshContext,
  request: ActionRequest<A>,
  options: { cluster: MeshCluster; now: () => Date },
) => PlanOutcome<ActionExtras[A]>;

/** A planner whose plans also say in plain words what they change. */
function described<A extends ServiceMeshActionName>(
  action: A,
  planner: Planner<A>,
): Planner<A> {
  return (context, request, options) => {
    const outcome = planner(context, request, options);
    return outcome.ok
      ? {
          ...outcome,
          summary: describePlan(action, request, outcome.change.operations),
        }
      : outcome;
  };
}

/**
 * One planner per action. Indexed by a generic action, TypeScript pairs each
 * planner with that action's request type, so no cast is needed.
 */
export const planners: { [A in ServiceMeshActionName]: Planner<A> } = {
  enroll: described('enroll', (context, request, { cluster }) =>
    planEnroll(context, request, { enrollment: cluster.config.enrollment }),
  ),
  unenroll: described('unenroll', (context, request) =>
    planUnenroll(context, request),
  ),
  setInjection: described('setInjection', (context, request) =>
    planSetInjection(context, request),
  ),
  switchRevision: described('switchRevision', (context, request) =>
    planSwitchRevision(context, request),
  ),
  restart: described('restart', (context, request, { now }) =>
    planRestart(context, request, now()),
  ),
  sidecarEgress: described('sidecarEgress', (context, request) =>
    planSidecarEgress(context, request),
  ),
};
