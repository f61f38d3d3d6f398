import type { MeshWarning } from '@mesh-backstage/plugin-service-mesh-common';
import type { NamespaceAnalysis } from '../analysis';
import { missingAppVersionLabels, portNameConvention } from './appRequirements';
import { noControlPlane } from './controlPlane';
import {
  injectorDownFailClosed,
  injectorWebhookGone,
  restartWouldStall,
} from './legacyInjector';
import {
  memberPending,
  namespaceNotInjected,
  outsideDiscoverySelectors,
} from './membership';
import {
  cniAttachmentMissing,
  injectorNotReady,
  webhookMissing,
} from './newPods';
import {
  multipleInjectionLabels,
  revisionPinnedByName,
  unknownRevision,
} from './revisionLabels';
import {
  oldRevision,
  podMissingProxy,
  proxyImageMismatch,
  unwantedSidecar,
} from './runningProxies';
import { referencedResourceNotFound } from './sidecars';
import type { ServedNamespace, WarningRule } from './types';

export { WARNING_CODES, type WarningCode } from './codes';
export { followsPortNamingConvention } from './appRequirements';
export type { WarningFinding, ServedNamespace, WarningRule } from './types';

/**
 * The rules for a namespace a control plane serves or could serve. Adding
 * a warning is adding a rule here; warnings of equal severity keep this
 * order.
 */
export const NAMESPACE_WARNING_RULES: WarningRule[] = [
  multipleInjectionLabels,
  unknownRevision,
  memberPending,
  namespaceNotInjected,
  outsideDiscoverySelectors,
  injectorNotReady,
  webhookMissing,
  injectorDownFailClosed,
  injectorWebhookGone,
  restartWouldStall,
  podMissingProxy,
  oldRevision,
  unwantedSidecar,
  proxyImageMismatch,
  portNameConvention,
  missingAppVersionLabels,
  cniAttachmentMissing,
  referencedResourceNotFound,
  revisionPinnedByName,
];

/** The rules for a namespace on a cluster without a control plane. */
export const UNSERVED_NAMESPACE_WARNING_RULES: WarningRule<NamespaceAnalysis>[] =
  [noControlPlane];

const SEVERITY_ORDER: Record<MeshWarning['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

function isServed(analysis: NamespaceAnalysis): analysis is ServedNamespace {
  return analysis.controlPlane !== undefined;
}

function runRules<Input extends NamespaceAnalysis>(
  rules: WarningRule<Input>[],
  analysis: Input,
): MeshWarning[] {
  const namespace = analysis.namespace.metadata.name;
  return rules.flatMap(rule =>
    rule.detect(analysis).map(finding => ({
      namespace,
      code: rule.code,
      severity: rule.severity,
      ...finding,
    })),
  );
}

/** The warnings of one namespace, most severe first. */
export function deriveNamespaceWarnings(
  analysis: NamespaceAnalysis,
): MeshWarning[] {
  const warnings = isServed(analysis)
    ? runRules(NAMESPACE_WARNING_RULES, analysis)
    : runRules(UNSERVED_NAMESPACE_WARNING_RULES, analysis);
  // Array sort is stable, so rules of equal severity keep the list's order.
  return warnings.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}
