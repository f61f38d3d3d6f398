import { conditionIsTrue } from '../kube';
import type { ControlPlaneModel } from '../controlPlane';
import { planInjectAnnotations } from '../plans/optInWorkloads';
import type { PlanOutcome } from '../plans/outcome';
import type { ClusterSnapshot } from '../snapshot';
import { legacyControlPlane } from './legacyLayout';
import { ossm2Flavour, ossm2Membership } from './ossm2';
import type { MeshFlavourAdapter } from './types';

/**
 * OpenShift Service Mesh 1.x (Maistra 1.0 and later): a `maistra.io/v1`
 * ServiceMeshControlPlane (`spec.istio` values) laid out as Istio 1.x
 * (istio-pilot, istio-sidecar-injector); membership by the same member
 * roll as OSSM 2, and pods opt in with `sidecar.istio.io/inject: "true"`.
 * The OSSM 2 operator serves its control planes as v1 too; those are the
 * OSSM 2 adapter's.
 */
export const ossm1Flavour: MeshFlavourAdapter = {
  flavour: 'ossm1',

  detect(snapshot: ClusterSnapshot): ControlPlaneModel[] {
    const v2 = new Set(
      (snapshot.serviceMeshControlPlanes ?? []).map(
        s => `${s.metadata.namespace}/${s.metadata.name}`,
      ),
    );
    return (snapshot.serviceMeshControlPlanesV1 ?? [])
      .filter(s => !v2.has(`${s.metadata.namespace}/${s.metadata.name}`))
      .map(smcp =>
        legacyControlPlane(snapshot, 'ossm1', smcp.metadata.namespace!, {
          name: smcp.metadata.name,
          ready: conditionIsTrue(smcp.status?.conditions, 'Ready'),
        }),
      );
  },

  membership: ossm2Membership,

  /** The member roll (or a ServiceMeshMember), then the opt-in annotation. */
  planEnroll(input): PlanOutcome {
    const membership = ossm2Flavour.planEnroll(input);
    if (!membership.ok) {
      return membership;
    }
    const annotations = planInjectAnnotations(
      input.snapshot,
      input.namespace.metadata.name,
      input.workloads,
      'true',
    );
    if (!annotations.ok) {
      return annotations;
    }
    return {
      ok: true,
      change: {
        operations: [
          ...membership.change.operations,
          ...annotations.operations,
        ],
      },
      forced: membership.forced,
    };
  },

  planUnenroll: input => ossm2Flavour.planUnenroll(input),
};
