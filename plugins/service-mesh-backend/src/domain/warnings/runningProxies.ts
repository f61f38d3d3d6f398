import type { WorkloadAnalysis } from '../analysis';
import type { Pod } from '../kube';
import { resolveProxyRevision } from '../injection';
import { podProxy } from '../proxies';
import { isRestartable, listedWorkloadRef } from '../workloads';
import { WARNING_CODES } from './codes';
import { clusterRevisions, plural, restartFix } from './common';
import type { ServedNamespace, WarningFinding, WarningRule } from './types';

/*
 * Pods whose proxy is not the one a new pod would get. A restart fixes
 * each, so each finding offers one.
 */

/**
 * One finding per workload with such pods, each offering a restart of that
 * workload; `count` reads "1 pod" or "3 pods". Pods no rollout restarts
 * (bare pods, a bare ReplicaSet's, a Job's) get the finding without a fix.
 */
function restartEach(
  analysis: ServedNamespace,
  podsOf: (w: WorkloadAnalysis) => Pod[],
  message: (w: WorkloadAnalysis, count: string) => string,
): WarningFinding[] {
  return analysis.workloads
    .filter(w => podsOf(w).length > 0)
    .map(w => ({
      workload: listedWorkloadRef(w.workload),
      message: message(w, plural(podsOf(w).length, 'pod')),
      ...(isRestartable(w.workload) && {
        fix: restartFix(analysis, [w], `Restart ${w.workload.metadata.name}`),
      }),
    }));
}

export const podMissingProxy: WarningRule = {
  code: WARNING_CODES.podMissingProxy,
  severity: 'warning',
  detect: analysis =>
    restartEach(
      analysis,
      w => (w.expected.injected ? w.podsWithoutProxy : []),
      (w, count) => {
        const { kind, metadata } = w.workload;
        const missing = 'run without the Istio proxy although new pods get one';
        switch (kind) {
          case 'Pod':
            return `Pod ${metadata.name} runs without the Istio proxy although a new pod would get one; it has no controller, so only recreating it adds the proxy.`;
          case 'Job':
            return `${count} of Job ${metadata.name} ${missing}; the job's next pods get it.`;
          case 'ReplicaSet':
            return `${count} of ReplicaSet ${metadata.name} ${missing}; deleted pods come back with it.`;
          default:
            return `${count} of ${metadata.name} ${missing}; they predate the injection change.`;
        }
      },
    ),
};

export const oldRevision: WarningRule = {
  code: WARNING_CODES.oldRevision,
  severity: 'warning',
  detect: analysis =>
    restartEach(
      analysis,
      w => w.podsOnOtherRevision,
      (w, count) => {
        const revisions = [
          ...new Set(
            w.podsOnOtherRevision.map(p =>
              resolveProxyRevision(podProxy(p)!.revision, analysis.rules),
            ),
          ),
        ];
        return `${count} of ${
          w.workload.metadata.name
        } run proxies from ${revisions.join(
          ', ',
        )}, but the namespace now uses ${
          w.expected.injected ? w.expected.revision : '?'
        }; they move on restart.`;
      },
    ),
};

export const unwantedSidecar: WarningRule = {
  code: WARNING_CODES.unwantedSidecar,
  severity: 'info',
  detect: analysis =>
    restartEach(
      analysis,
      w => w.podsWithUnwantedProxy,
      (w, count) =>
        `${count} of ${w.workload.metadata.name} still run a proxy although new pods would get none; a restart removes it.`,
    ),
};

/** Proxies of the right revision but another version: an in-place upgrade. */
export const proxyImageMismatch: WarningRule = {
  code: WARNING_CODES.proxyImageMismatch,
  severity: 'warning',
  detect(analysis) {
    const revisions = clusterRevisions(analysis);
    const mismatched = analysis.workloads.filter(w =>
      w.pods.some(p => {
        const proxy = podProxy(p);
        if (!proxy) {
          return false;
        }
        const revision = resolveProxyRevision(proxy.revision, analysis.rules);
        const model = revisions.find(r => r.name === revision);
        return (
          w.expected.injected &&
          revision === w.expected.revision &&
          proxy.version !== undefined &&
          model?.version !== undefined &&
          proxy.version !== model.version
        );
      }),
    );
    if (mismatched.length === 0) {
      return [];
    }
    return [
      {
        message: `Pods of ${mismatched
          .map(w => w.workload.metadata.name)
          .join(
            ', ',
          )} run a proxy image older or newer than their revision's injector; restart them to pick up the current one.`,
        ...(mismatched.some(w => isRestartable(w.workload)) && {
          fix: restartFix(analysis, mismatched, 'Restart affected workloads'),
        }),
      },
    ];
  },
};
