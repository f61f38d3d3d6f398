import type { WarningFix } from '@mesh-backstage/plugin-service-mesh-common';
import type { WorkloadAnalysis } from '../analysis';
import { joinsByMemberRoll } from '../controlPlane';
import { isRestartable, workloadRef } from '../workloads';
import type { ServedNamespace } from './types';

/*
 * Facts several rules read off the same analysis.
 */

export const plural = (n: number, word: string) =>
  `${n} ${word}${n === 1 ? '' : 's'}`;

export function namespaceLabels(
  analysis: ServedNamespace,
): Record<string, string> {
  return analysis.namespace.metadata.labels ?? {};
}

/** OSSM 2, or OSSM 1 with the same member roll and per-pod opt-in. */
export function isOssm2(analysis: ServedNamespace): boolean {
  return joinsByMemberRoll(analysis.controlPlane.flavour);
}

/** The cluster and namespace every fix's request starts with. */
export function requestBase(analysis: ServedNamespace) {
  return {
    cluster: analysis.context.snapshot.cluster,
    namespace: analysis.namespace.metadata.name,
  };
}

export function restartFix(
  analysis: ServedNamespace,
  workloads: WorkloadAnalysis[],
  title: string,
): WarningFix {
  return {
    action: 'restart',
    title,
    request: {
      ...requestBase(analysis),
      workloads: workloads
        .map(w => w.workload)
        .filter(isRestartable)
        .map(workloadRef),
    },
  };
}

/** Whether new pods here, of the namespace or of any workload, get a proxy. */
export function anyInjected(analysis: ServedNamespace): boolean {
  return (
    analysis.injection.effectiveRevision !== undefined ||
    analysis.workloads.some(w => w.expected.injected)
  );
}

/** The revisions new pods here would come from. */
export function expectedRevisions(analysis: ServedNamespace): Set<string> {
  const revisions = new Set<string>();
  if (analysis.injection.effectiveRevision) {
    revisions.add(analysis.injection.effectiveRevision);
  }
  for (const w of analysis.workloads) {
    if (w.expected.injected) {
      revisions.add(w.expected.revision);
    }
  }
  return revisions;
}

/** Every revision on the cluster, of any control plane. */
export function clusterRevisions(analysis: ServedNamespace) {
  return analysis.context.controlPlanes.flatMap(cp => cp.revisions);
}
