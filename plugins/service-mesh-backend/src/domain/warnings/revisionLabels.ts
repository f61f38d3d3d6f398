import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
} from '@mesh-backstage/plugin-service-mesh-common';
import { listedWorkloadRef } from '../workloads';
import { WARNING_CODES } from './codes';
import { isOssm2, namespaceLabels, requestBase } from './common';
import type { WarningFinding, WarningRule } from './types';

/*
 * The labels that pick a revision, on upstream Istio and Sail; OSSM 2 picks
 * it by membership instead.
 */

export const multipleInjectionLabels: WarningRule = {
  code: WARNING_CODES.multipleInjectionLabels,
  severity: 'warning',
  detect(analysis) {
    const labels = namespaceLabels(analysis);
    const injection = labels[ISTIO_INJECTION_LABEL];
    const revision = labels[ISTIO_REVISION_LABEL];
    if (
      isOssm2(analysis) ||
      injection === undefined ||
      revision === undefined
    ) {
      return [];
    }
    return [
      {
        message: `The namespace has both istio-injection=${injection} and istio.io/rev=${revision}. istio-injection wins, so the revision label is ignored.`,
        fix: {
          action: 'switchRevision',
          title: `Use revision ${revision} only`,
          request: { ...requestBase(analysis), revision },
        },
      },
    ];
  },
};

/** A namespace or pod template label that names no revision or tag. */
export const unknownRevision: WarningRule = {
  code: WARNING_CODES.unknownRevision,
  severity: 'error',
  detect(analysis) {
    const labels = namespaceLabels(analysis);
    const nsRevision = labels[ISTIO_REVISION_LABEL];
    const { controlPlane } = analysis;
    const fallbackRevision =
      controlPlane.defaultRevision ?? controlPlane.activeRevision;
    const findings: WarningFinding[] = [];
    if (
      !isOssm2(analysis) &&
      nsRevision !== undefined &&
      labels[ISTIO_INJECTION_LABEL] === undefined &&
      analysis.injection.effectiveRevision === undefined
    ) {
      findings.push({
        message: `The namespace label istio.io/rev=${nsRevision} names no revision or tag on the cluster, so new pods get no sidecar.`,
        fix: fallbackRevision
          ? {
              action: 'switchRevision',
              title: `Switch to ${fallbackRevision}`,
              request: { ...requestBase(analysis), revision: fallbackRevision },
            }
          : undefined,
      });
    }
    // Pod template labels are reported only when the namespace names no
    // revision itself.
    if (nsRevision !== undefined) {
      return findings;
    }
    for (const w of analysis.workloads) {
      if (!w.expected.injected && w.expected.reason === 'unknownRevision') {
        findings.push({
          workload: listedWorkloadRef(w.workload),
          message: `The pod template label istio.io/rev=${w.expected.requestedRevision} names no revision or tag, so new pods get no sidecar.`,
        });
      }
    }
    return findings;
  },
};

/**
 * A namespace whose `istio.io/rev` names a revision rather than a tag
 * stays on that revision through upgrades: upgrades move tags. Informational,
 * with a switch to a tag that points at the same revision when one exists,
 * so nothing changes until the next upgrade moves the tag.
 */
export const revisionPinnedByName: WarningRule = {
  code: WARNING_CODES.revisionPinnedByName,
  severity: 'info',
  detect(analysis) {
    const labels = namespaceLabels(analysis);
    const { effectiveRevision, effectiveTag } = analysis.injection;
    if (
      isOssm2(analysis) ||
      labels[ISTIO_INJECTION_LABEL] !== undefined ||
      labels[ISTIO_REVISION_LABEL] === undefined ||
      effectiveRevision === undefined ||
      effectiveTag !== undefined
    ) {
      return [];
    }
    const tag = analysis.controlPlane.tags.find(
      t => t.revision === effectiveRevision,
    );
    return [
      {
        message: `The namespace is pinned to revision ${effectiveRevision} by name, so upgrades, which move revision tags, leave it behind.${
          tag
            ? ` Tag ${tag.name} points at the same revision; following it changes nothing now.`
            : ' Label it with a revision tag to follow upgrades.'
        }`,
        ...(tag && {
          fix: {
            action: 'switchRevision' as const,
            title: `Follow tag ${tag.name}`,
            request: { ...requestBase(analysis), revision: tag.name },
          },
        }),
      },
    ];
  },
};
