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
  planServiceEntry,
  planSetInjection,
  planSidecarEgress,
  planSwitchRevision,
  planUnenroll,
  serviceEntryName,
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
  serviceEntry: described('serviceEntry', (context, request) =>
    planServiceEntry(context, request),
  ),
};

/** An object a planner reads that the caches do not mirror. */
export interface UnwatchedObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * The objects each action's plan needs that the caches do not mirror: read
 * from the cluster once per request (a GET each, not a watched collection,
 * as only the action needs them), then re-read after a lost race like any
 * other object written.
 */
export const unwatchedReads: {
  [A in ServiceMeshActionName]?: (
    request: ActionRequest<A>,
    cluster: MeshCluster,
  ) => UnwatchedObjectRef[];
} = {
  // Where the Sidecar collection is watched, networking.istio.io/v1 is
  // served; elsewhere nothing is read and the planner says there is no API.
  serviceEntry: (request, cluster) =>
    cluster.cache.serves('sidecars')
      ? [
          {
            apiVersion: 'networking.istio.io/v1',
            kind: 'ServiceEntry',
            namespace: request.namespace,
            name: serviceEntryName(request),
          },
        ]
      : [],
};
