import {
  ISTIO_INJECTION_LABEL,
  MembershipInfo,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ControlPlaneModel, isIstiodDeployment } from '../controlPlane';
import { checkInjectorReady, runGuards } from '../guards';
import { labelPatch } from '../plans/operations';
import { PlanOutcome, refused } from '../plans/outcome';
import type { ClusterSnapshot } from '../snapshot';
import { planLabelledUnenroll } from './labelled';
import {
  LEGACY_REVISION,
  legacyControlPlane,
  pilotNamespaces,
} from './legacyLayout';
import { maistra0Namespaces } from './maistra0';
import type { MeshFlavourAdapter } from './types';

/**
 * Upstream Istio 1.0–1.4 installed with Helm: `istio-pilot` and
 * `istio-sidecar-injector` Deployments in a namespace with no istiod, no
 * ServiceMeshControlPlane and no Maistra Installation; one unnamed
 * revision, no tags; namespaces join with `istio-injection=enabled`.
 */
export const istioLegacyFlavour: MeshFlavourAdapter = {
  flavour: 'istioLegacy',

  detect(snapshot: ClusterSnapshot): ControlPlaneModel[] {
    const taken = new Set([
      ...maistra0Namespaces(snapshot),
      ...[
        ...(snapshot.serviceMeshControlPlanes ?? []),
        ...(snapshot.serviceMeshControlPlanesV1 ?? []),
      ].map(smcp => smcp.metadata.namespace),
      ...snapshot.workloads
        .filter(isIstiodDeployment)
        .map(w => w.metadata.namespace),
    ]);
    return pilotNamespaces(snapshot)
      .filter(namespace => !taken.has(namespace))
      .map(namespace => legacyControlPlane(snapshot, 'istioLegacy', namespace));
  },

  membership(_controlPlane, namespace): MembershipInfo {
    return {
      member: namespace.metadata.labels?.[ISTIO_INJECTION_LABEL] === 'enabled',
      via: 'labels',
    };
  },

  planEnroll(input): PlanOutcome {
    const { controlPlane, namespace, revision } = input;
    const name = namespace.metadata.name;
    if (revision !== undefined && revision !== LEGACY_REVISION) {
      return refused(
        'input',
        'SM-INPUT-REVISION',
        `Control plane ${controlPlane.namespace} runs Istio before 1.5, which has no revisions or tags; enrol without one`,
      );
    }
    const guards = runGuards(
      [() => checkInjectorReady([controlPlane], LEGACY_REVISION)],
      input.force,
    );
    if (!guards.ok) {
      return guards;
    }
    const operation = labelPatch(
      namespace,
      { [ISTIO_INJECTION_LABEL]: 'enabled' },
      `Label namespace ${name}: istio-injection=enabled, so istio-sidecar-injector in ${controlPlane.namespace} injects its new pods; existing pods change on restart`,
    );
    return {
      ok: true,
      change: { operations: operation ? [operation] : [] },
      forced: operation ? guards.forced : [],
    };
  },

  planUnenroll: planLabelledUnenroll,
};
