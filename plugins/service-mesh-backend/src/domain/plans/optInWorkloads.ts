import {
  KubeOperation,
  SIDECAR_INJECT_ANNOTATION,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { Workload } from '../kube';
import { inNamespace, type ClusterSnapshot } from '../snapshot';
import { chooseWorkloads } from './chooseWorkloads';
import { mapChanges, patchOperation, resourceVersionTest } from './operations';
import type { PlanFailure } from './outcome';

/**
 * The pod-template annotation `sidecar.istio.io/inject` of one workload,
 * set or (with `null`) removed; none when it already is so. A template
 * change rolls the workload's pods, which is the restart that brings the
 * sidecar in or takes it out.
 */
export function injectAnnotationOperation(
  workload: Workload,
  value: string | null,
): KubeOperation | undefined {
  const changes = mapChanges(
    workload.spec.template.metadata?.annotations,
    '/spec/template/metadata/annotations',
    { [SIDECAR_INJECT_ANNOTATION]: value },
  );
  if (changes.length === 0) {
    return undefined;
  }
  const prefix = workload.spec.template.metadata
    ? []
    : [{ op: 'add' as const, path: '/spec/template/metadata', value: {} }];
  const what =
    value === null
      ? `Remove ${SIDECAR_INJECT_ANNOTATION} from the pod template of`
      : `Set ${SIDECAR_INJECT_ANNOTATION}="${value}" on the pod template of`;
  return patchOperation(
    workload,
    [...resourceVersionTest(workload), ...prefix, ...changes],
    `${what} ${workload.kind} ${workload.metadata.name}; this restarts its pods`,
  );
}

/**
 * The annotation on the workloads a request names (all of the namespace's
 * when it names none), for the flavours whose pods opt in one by one.
 */
export function planInjectAnnotations(
  snapshot: ClusterSnapshot,
  namespace: string,
  requested: WorkloadRef[] | undefined,
  value: string | null,
): { ok: true; operations: KubeOperation[] } | PlanFailure {
  const chosen = chooseWorkloads(
    inNamespace(snapshot.workloads, namespace),
    requested,
    namespace,
  );
  if (!chosen.ok) {
    return chosen;
  }
  return {
    ok: true,
    operations: chosen.workloads
      .map(w => injectAnnotationOperation(w, value))
      .filter((o): o is KubeOperation => o !== undefined),
  };
}
