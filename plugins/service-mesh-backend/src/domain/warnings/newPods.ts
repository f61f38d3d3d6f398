import { decideInjectionByWebhooks, PodInjectionInput } from '../injection';
import { inNamespace, isOpenShift } from '../snapshot';
import { WARNING_CODES } from './codes';
import {
  anyInjected,
  clusterRevisions,
  expectedRevisions,
  isOssm2,
  namespaceLabels,
} from './common';
import type { ServedNamespace, WarningRule } from './types';

/*
 * What stops new pods here from starting, or from starting with a proxy:
 * the injector, its webhook, and the CNI plugin's network attachment.
 */

export const injectorNotReady: WarningRule = {
  code: WARNING_CODES.injectorNotReady,
  severity: 'error',
  detect(analysis) {
    if (analysis.controlPlane.injector) {
      // Before istiod: injectorDownFailClosed says it in that layout's terms.
      return [];
    }
    const revisions = clusterRevisions(analysis);
    return [...expectedRevisions(analysis)]
      .filter(revision => {
        const model = revisions.find(r => r.name === revision);
        return model && !model.injectorReady;
      })
      .map(revision => ({
        message: `The injector of revision ${revision} is not ready: new pods here will fail to start (the injection webhook rejects them) until istiod is back.`,
      }));
  },
};

/**
 * The pod the webhooks are asked about: an injected workload's template,
 * else, on OSSM 2 where pods opt in, one that opts in.
 */
function probePod(analysis: ServedNamespace): PodInjectionInput {
  const probe = analysis.workloads.find(w => w.expected.injected);
  if (probe) {
    return {
      labels: probe.workload.spec.template.metadata?.labels,
      annotations: probe.workload.spec.template.metadata?.annotations,
    };
  }
  if (isOssm2(analysis)) {
    return { annotations: { 'sidecar.istio.io/inject': 'true' } };
  }
  return {};
}

/** The labels' answer, checked against the cluster's actual webhooks. */
export const webhookMissing: WarningRule = {
  code: WARNING_CODES.webhookMissing,
  severity: 'error',
  detect(analysis) {
    const revisions = expectedRevisions(analysis);
    if (revisions.size === 0) {
      return [];
    }
    const ossm2 = isOssm2(analysis);
    const byWebhooks = decideInjectionByWebhooks(
      analysis.context.snapshot.mutatingWebhookConfigurations,
      {
        name: analysis.namespace.metadata.name,
        labels: namespaceLabels(analysis),
      },
      probePod(analysis),
      { injectorPolicy: () => (ossm2 ? 'disabled' : 'enabled') },
    );
    if (byWebhooks.matches.length > 0) {
      return [];
    }
    return [
      {
        message: `The namespace asks for injection by ${[...revisions].join(
          ', ',
        )}, but no injection webhook configuration on the cluster matches it, so new pods start without a sidecar.`,
      },
    ];
  },
};

export const cniAttachmentMissing: WarningRule = {
  code: WARNING_CODES.cniAttachmentMissing,
  severity: 'error',
  detect(analysis) {
    const { snapshot } = analysis.context;
    const cniInUse =
      (snapshot.istioCNIs?.length ?? 0) > 0 ||
      snapshot.workloads.some(
        w => w.kind === 'DaemonSet' && w.metadata.name === 'istio-cni-node',
      );
    const hasAttachment = inNamespace(
      snapshot.networkAttachmentDefinitions,
      analysis.namespace.metadata.name,
    ).some(nad => nad.metadata.name === 'istio-cni');
    if (
      isOssm2(analysis) ||
      !anyInjected(analysis) ||
      !cniInUse ||
      !isOpenShift(snapshot) ||
      hasAttachment
    ) {
      return [];
    }
    return [
      {
        message:
          'The cluster uses the Istio CNI plugin on OpenShift, but the namespace has no NetworkAttachmentDefinition named istio-cni, so injected pods fail to start their network setup.',
      },
    ];
  },
};
