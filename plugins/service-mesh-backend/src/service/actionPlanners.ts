import type {
  MeshActionResponse,
  ServiceMeshActionName,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
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

/**
 * One planner per action. Indexed by a generic action, TypeScript pairs each
 * planner with that action's request type, so no cast is needed.
 */
export const planners: {
  [A in ServiceMeshActionName]: (
    context: MeshContext,
    request: ActionRequest<A>,
    options: { cluster: MeshCluster; now: () => Date },
  ) => PlanOutcome<ActionExtras[A]>;
} = {
  enroll: (context, request, { cluster }) =>
    planEnroll(context, request, { enrollment: cluster.config.enrollment }),
  unenroll: (context, request) => planUnenroll(context, request),
  setInjection: (context, request) => planSetInjection(context, request),
  switchRevision: (context, request) => planSwitchRevision(context, request),
  restart: (context, request, { now }) => planRestart(context, request, now()),
  sidecarEgress: (context, request) => planSidecarEgress(context, request),
};
