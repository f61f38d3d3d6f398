import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  MESH_ACTION_LABELS,
} from '@mesh-backstage/plugin-service-mesh-common';
import { NEVER_INJECTED_NAMESPACES } from '../injection';
import { WARNING_CODES } from './codes';
import { anyInjected, isOssm2, namespaceLabels, requestBase } from './common';
import type { WarningRule } from './types';

/*
 * Whether the namespace belongs to the mesh: OSSM 2 member rolls, injection
 * labels, and the discovery selectors istiod watches.
 */

export const memberPending: WarningRule = {
  code: WARNING_CODES.memberPending,
  severity: 'warning',
  detect(analysis) {
    if (!isOssm2(analysis) || !analysis.membership.pending) {
      return [];
    }
    return [
      {
        message: `The namespace was added to control plane ${analysis.controlPlane.namespace} but the operator has not configured it yet; injection starts once it has.`,
      },
    ];
  },
};

/**
 * IST0102 as Istio's injection analyzer has it: only a namespace with no
 * injection setting at all is flagged. `istio-injection` with any value
 * (`disabled` is a decision) or an `istio.io/rev` label, even naming an
 * unknown revision (our SM-UNKNOWN-REVISION), is a setting. On OSSM 2,
 * where the member roll is the setting, a namespace that is neither
 * member nor pending is flagged.
 */
export const namespaceNotInjected: WarningRule = {
  code: WARNING_CODES.namespaceNotInjected,
  severity: 'info',
  detect(analysis) {
    const { membership } = analysis;
    if (membership.member || membership.pending) {
      return [];
    }
    const labels = namespaceLabels(analysis);
    const name = analysis.namespace.metadata.name;
    // The analyzer skips the control plane's and Kubernetes' own namespaces.
    if (
      name === analysis.controlPlane.namespace ||
      NEVER_INJECTED_NAMESPACES.includes(name)
    ) {
      return [];
    }
    if (
      !isOssm2(analysis) &&
      (labels[ISTIO_INJECTION_LABEL] !== undefined ||
        labels[ISTIO_REVISION_LABEL] !== undefined)
    ) {
      return [];
    }
    return [
      {
        message: isOssm2(analysis)
          ? `The namespace is not a member of control plane ${analysis.controlPlane.namespace}, so its workloads are outside the mesh.`
          : 'The namespace is not enabled for sidecar injection, so its workloads are outside the mesh.',
        fix: {
          action: 'enroll',
          title: MESH_ACTION_LABELS.enroll,
          request: requestBase(analysis),
        },
      },
    ];
  },
};

export const outsideDiscoverySelectors: WarningRule = {
  code: WARNING_CODES.outsideDiscoverySelectors,
  severity: 'warning',
  detect(analysis) {
    const { membership } = analysis;
    if (
      isOssm2(analysis) ||
      !anyInjected(analysis) ||
      membership.via !== 'discoverySelector' ||
      membership.member
    ) {
      return [];
    }
    return [
      {
        message: `Pods here get sidecars, but the mesh's discoverySelectors do not include the namespace, so istiod ignores its services and endpoints.`,
        fix: {
          action: 'enroll',
          title: MESH_ACTION_LABELS.enroll,
          request: requestBase(analysis),
        },
      },
    ];
  },
};
