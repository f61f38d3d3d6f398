import type {
  EnrollRequest,
  UnenrollRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import { checkNamespaceAllowed, checkNamespaceName } from '../guards';
import { flavourOf, MeshContext, servingControlPlane } from '../mesh';
import { findNamespace } from '../snapshot';
import { PlanOutcome, refused } from './outcome';

export interface EnrollOptions {
  /** OSSM 2: edit the member roll (default) or create a ServiceMeshMember. */
  enrollment?: 'memberRoll' | 'member';
}

/**
 * Common checks of enrol and unenrol: a valid, existing, allowed namespace
 * with a control plane. `joinIgnored`: enrolling on Maistra 0.x removes
 * the ignore-namespace label itself, so such a namespace may join.
 */
function prepare(
  context: MeshContext,
  request: EnrollRequest,
  joinIgnored = false,
) {
  const name = checkNamespaceName(request.namespace);
  if (!name.ok) {
    return name;
  }
  const namespace = findNamespace(context.snapshot, request.namespace);
  if (!namespace) {
    return refused(
      'input',
      'SM-INPUT-NAMESPACE-NOT-FOUND',
      `Namespace ${request.namespace} does not exist on cluster ${context.snapshot.cluster}`,
    );
  }
  const controlPlane = servingControlPlane(
    context,
    namespace,
    request.controlPlaneNamespace,
  );
  const allowed = checkNamespaceAllowed(namespace, context.controlPlanes);
  if (
    !allowed.ok &&
    !(
      joinIgnored &&
      controlPlane?.flavour === 'maistra0' &&
      allowed.refusal.code === 'SM-GUARD-IGNORED-NAMESPACE'
    )
  ) {
    return allowed;
  }
  if (!controlPlane) {
    return refused(
      request.controlPlaneNamespace ? 'input' : 'conflict',
      'SM-NO-CONTROL-PLANE',
      request.controlPlaneNamespace
        ? `No control plane in namespace ${request.controlPlaneNamespace} on cluster ${context.snapshot.cluster}`
        : `Cluster ${context.snapshot.cluster} has no service-mesh control plane`,
    );
  }
  return { ok: true as const, namespace, controlPlane };
}

/**
 * Enrols a namespace in the mesh: OSSM 2 member roll or ServiceMeshMember,
 * Istio/Sail injection or revision label plus any discovery-selector label.
 */
export function planEnroll(
  context: MeshContext,
  request: EnrollRequest,
  options: EnrollOptions = {},
): PlanOutcome {
  const prepared = prepare(context, request, true);
  if (!prepared.ok) {
    return prepared;
  }
  return flavourOf(prepared.controlPlane).planEnroll({
    snapshot: context.snapshot,
    controlPlane: prepared.controlPlane,
    namespace: prepared.namespace,
    revision: request.revision,
    workloads: request.workloads,
    enrollment: options.enrollment,
    force: request.force,
  });
}

/** Takes a namespace out of the mesh; running pods keep sidecars until restarted. */
export function planUnenroll(
  context: MeshContext,
  request: UnenrollRequest,
): PlanOutcome {
  const prepared = prepare(context, request);
  if (!prepared.ok) {
    return prepared;
  }
  return flavourOf(prepared.controlPlane).planUnenroll({
    snapshot: context.snapshot,
    controlPlane: prepared.controlPlane,
    namespace: prepared.namespace,
    force: request.force,
  });
}

export { prepare as prepareNamespaceAction };
