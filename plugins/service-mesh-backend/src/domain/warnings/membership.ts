import { WARNING_CODES } from './codes';
import { anyInjected, isOssm2, requestBase } from './common';
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

export const namespaceNotInjected: WarningRule = {
  code: WARNING_CODES.namespaceNotInjected,
  severity: 'info',
  detect(analysis) {
    const { membership } = analysis;
    if (membership.member || membership.pending || anyInjected(analysis)) {
      return [];
    }
    return [
      {
        message: isOssm2(analysis)
          ? `The namespace is not a member of control plane ${analysis.controlPlane.namespace}, so its workloads are outside the mesh.`
          : 'The namespace is not enabled for sidecar injection, so its workloads are outside the mesh.',
        fix: {
          action: 'enroll',
          title: 'Add to the mesh',
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
          title: 'Add the discovery label',
          request: requestBase(analysis),
        },
      },
    ];
  },
};
