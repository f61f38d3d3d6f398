import { analyzeNamespace } from '../analysis';
import { sampleObject } from '../__fixtures__';
import type { ServiceMeshControlPlane, ServiceMeshMemberRoll } from '../kube';
import { buildMeshContext } from '../mesh';
import { findNamespace, type ClusterSnapshot } from '../snapshot';
import type { ServedNamespace } from './types';

/** The analysis a rule sees, for a namespace of a test snapshot. */
export function servedNamespace(
  snapshot: ClusterSnapshot,
  name = 'demo',
): ServedNamespace {
  const namespace = findNamespace(snapshot, name);
  if (!namespace) {
    throw new Error(`The test snapshot has no namespace ${name}`);
  }
  const analysis = analyzeNamespace(buildMeshContext(snapshot), namespace);
  if (!analysis.controlPlane) {
    throw new Error(`No control plane serves ${name} in the test snapshot`);
  }
  return { ...analysis, controlPlane: analysis.controlPlane };
}

/**
 * Replaces the snapshot's Istio with an OSSM 2 control plane in
 * istio-system, whose member roll has demo pending, configured, or not at all.
 */
export function withOssm2(
  snapshot: ClusterSnapshot,
  demo: 'pending' | 'configured' | 'none',
): ClusterSnapshot {
  snapshot.workloads = snapshot.workloads.filter(
    w => !w.metadata.name.startsWith('istiod'),
  );
  snapshot.mutatingWebhookConfigurations = [];
  const controlPlane = sampleObject<ServiceMeshControlPlane>(
    'maistra_v2_servicemeshcontrolplane_cr_minimal.yaml',
    'ServiceMeshControlPlane',
    'istio-system',
  );
  controlPlane.status = {
    chartVersion: '2.5.1',
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  const memberRoll = sampleObject<ServiceMeshMemberRoll>(
    'maistra_v1_servicemeshmemberroll_cr.yaml',
    'ServiceMeshMemberRoll',
    'istio-system',
  );
  memberRoll.spec = { members: demo === 'none' ? [] : ['demo'] };
  memberRoll.status = {
    pendingMembers: demo === 'pending' ? ['demo'] : [],
    configuredMembers: demo === 'configured' ? ['demo'] : [],
  };
  snapshot.serviceMeshControlPlanes = [controlPlane];
  snapshot.serviceMeshMemberRolls = [memberRoll];
  return snapshot;
}
