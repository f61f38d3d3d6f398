import {
  MAISTRA_IGNORE_NAMESPACE_LABEL,
  MembershipInfo,
  OPENSHIFT_IGNORE_NAMESPACE_LABEL,
  SIDECAR_INJECT_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel } from '../controlPlane';
import { checkInjectorReady, runGuards } from '../guards';
import { isIgnoredByMesh } from '../injection';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { labelPatch } from '../plans/operations';
import { planInjectAnnotations } from '../plans/optInWorkloads';
import type { PlanOutcome } from '../plans/outcome';
import { inNamespace, type ClusterSnapshot } from '../snapshot';
import {
  LEGACY_REVISION,
  legacyControlPlane,
  MAISTRA0_OPERATOR_NAMESPACE_NAME,
} from './legacyLayout';
import type { MeshFlavourAdapter } from './types';

/**
 * Maistra 0.x installs its control plane, in the Istio 1.1 layout, into
 * this namespace whatever the Installation says.
 */
export const MAISTRA0_CONTROL_PLANE_NAMESPACE = 'istio-system';
/** The namespace the Maistra 0.x operator runs in, with its Installation. */
export const MAISTRA0_OPERATOR_NAMESPACE = MAISTRA0_OPERATOR_NAMESPACE_NAME;

/** Control-plane namespaces of the cluster's Maistra 0.x Installations. */
export function maistra0Namespaces(snapshot: ClusterSnapshot): string[] {
  return (snapshot.installations ?? []).length > 0
    ? [MAISTRA0_CONTROL_PLANE_NAMESPACE]
    : [];
}

function optsIn(value: string | undefined): boolean {
  return ['y', 'yes', 'true', 'on'].includes((value ?? '').toLowerCase());
}

/**
 * Every namespace not ignored goes through the webhook; a namespace is "in
 * the mesh" when it is not ignored and some workload opts in.
 */
export function maistra0Membership(
  namespace: { metadata: { name: string; labels?: Record<string, string> } },
  snapshot: ClusterSnapshot,
): MembershipInfo {
  if (isIgnoredByMesh(namespace.metadata.labels ?? {})) {
    return { member: false };
  }
  const optedIn = inNamespace(snapshot.workloads, namespace.metadata.name).some(
    w =>
      optsIn(
        w.spec.template.metadata?.annotations?.[SIDECAR_INJECT_ANNOTATION],
      ),
  );
  return optedIn ? { member: true, via: 'podOptIn' } : { member: false };
}

/**
 * Maistra 0.x on OpenShift 3.11: an `istio.openshift.com/v1alpha1`
 * Installation (`istio-installation` in `istio-operator`) whose installer
 * Job lays out the 1.1-style Deployments in `istio-system`. The webhook
 * (failurePolicy Fail) takes every namespace not labelled
 * `istio.openshift.com/ignore-namespace`; the injector's policy is
 * `disabled`, so pods opt in with `sidecar.istio.io/inject: "true"`.
 */
export const maistra0Flavour: MeshFlavourAdapter = {
  flavour: 'maistra0',

  detect(snapshot: ClusterSnapshot): ControlPlaneModel[] {
    const installation = (snapshot.installations ?? [])
      .slice()
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))[0];
    if (!installation) {
      return [];
    }
    return [
      legacyControlPlane(
        snapshot,
        'maistra0',
        MAISTRA0_CONTROL_PLANE_NAMESPACE,
        { name: installation.metadata.name },
      ),
    ];
  },

  membership: (_controlPlane, namespace, snapshot) =>
    maistra0Membership(namespace, snapshot),

  planEnroll(input): PlanOutcome {
    const { controlPlane, namespace, snapshot } = input;
    const name = namespace.metadata.name;
    const guards = runGuards(
      [() => checkInjectorReady([controlPlane], LEGACY_REVISION)],
      input.force,
    );
    if (!guards.ok) {
      return guards;
    }
    const operations: KubeOperation[] = [];
    const unignore = labelPatch(
      namespace,
      {
        [OPENSHIFT_IGNORE_NAMESPACE_LABEL]: null,
        [MAISTRA_IGNORE_NAMESPACE_LABEL]: null,
      },
      `Remove the ignore-namespace label of namespace ${name}, so the injection webhook of ${controlPlane.namespace} sees its pods again`,
    );
    if (unignore) {
      operations.push(unignore);
    }
    const annotations = planInjectAnnotations(
      snapshot,
      name,
      input.workloads,
      'true',
    );
    if (!annotations.ok) {
      return annotations;
    }
    operations.push(...annotations.operations);
    return {
      ok: true,
      change: { operations },
      forced: operations.length ? guards.forced : [],
    };
  },

  planUnenroll(input): PlanOutcome {
    const annotations = planInjectAnnotations(
      input.snapshot,
      input.namespace.metadata.name,
      input.workloads,
      null,
    );
    if (!annotations.ok) {
      return annotations;
    }
    return {
      ok: true,
      change: { operations: annotations.operations },
      forced: [],
    };
  },
};
