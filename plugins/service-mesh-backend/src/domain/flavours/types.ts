import type {
  MembershipInfo,
  MeshFlavour,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel } from '../controlPlane';
import type { Namespace } from '../kube';
import type { PlanOutcome } from '../plans/outcome';
import type { ClusterSnapshot } from '../snapshot';

/** What an enrol or unenrol plan of a flavour gets to work with. */
export interface EnrollmentInput {
  snapshot: ClusterSnapshot;
  controlPlane: ControlPlaneModel;
  namespace: Namespace;
  /** Istio/Sail: revision or tag to use instead of the default. */
  revision?: string;
  /** OSSM 2: edit the member roll, or create a ServiceMeshMember. */
  enrollment?: 'memberRoll' | 'member';
  /** Maistra 0.x / OSSM 1.x: the workloads to opt in; all when absent. */
  workloads?: WorkloadRef[];
  /** Override forceable guards (injector not ready). */
  force?: boolean;
}

/**
 * The pure logic of one control-plane flavour: finding its control planes
 * in a snapshot, telling whether a namespace is a member, and planning how a
 * namespace joins or leaves.
 */
export interface MeshFlavourAdapter {
  readonly flavour: MeshFlavour;
  /** Every control plane of this flavour in the snapshot. */
  detect(snapshot: ClusterSnapshot): ControlPlaneModel[];
  membership(
    controlPlane: ControlPlaneModel,
    namespace: Namespace,
    snapshot: ClusterSnapshot,
  ): MembershipInfo;
  planEnroll(input: EnrollmentInput): PlanOutcome;
  planUnenroll(input: EnrollmentInput): PlanOutcome;
}
