import type { WorkloadRef } from '@mesh-backstage/plugin-service-mesh-common';
import type { Workload } from '../kube';
import { sameWorkload, workloadRef } from '../workloads';
import { PlanFailure, refused } from './outcome';

/**
 * The workloads an action names, or all of them when it names none. Naming
 * one that is not in the namespace is bad input.
 */
export function chooseWorkloads(
  available: Workload[],
  requested: WorkloadRef[] | undefined,
  namespace: string,
): { ok: true; workloads: Workload[] } | PlanFailure {
  if (!requested) {
    return { ok: true, workloads: available };
  }
  const found = requested.map(ref => ({
    ref,
    workload: available.find(w => sameWorkload(workloadRef(w), ref)),
  }));
  const missing = found.filter(f => !f.workload);
  if (missing.length) {
    return refused(
      'input',
      'SM-INPUT-WORKLOAD',
      `No ${missing
        .map(m => `${m.ref.kind} ${m.ref.name}`)
        .join(', ')} in namespace ${namespace}`,
    );
  }
  return { ok: true, workloads: found.map(f => f.workload!) };
}
