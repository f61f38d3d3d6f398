import { conditionIsTrue, SailIstio } from '../kube';
import {
  ControlPlaneModel,
  deploymentReady,
  findIstiod,
  hasInjectionWebhook,
  normalizeVersion,
} from '../controlPlane';
import type { ClusterSnapshot } from '../snapshot';
import {
  labelledMembership,
  planLabelledEnroll,
  planLabelledUnenroll,
} from './labelled';
import type { MeshFlavourAdapter } from './types';

/** Sail names revisions `<istio>` (InPlace) or `<istio>-<version with dashes>`. */
export function expectedRevisionName(istio: SailIstio): string {
  const name = istio.metadata.name;
  if (
    istio.spec.updateStrategy?.type === 'RevisionBased' &&
    istio.spec.version
  ) {
    return `${name}-${istio.spec.version.replace(/\./g, '-')}`;
  }
  return name;
}

/**
 * OpenShift Service Mesh 3 / Sail Operator: each `Istio` resource is a
 * control plane, its `IstioRevision`s are the revisions, and
 * `IstioRevisionTag`s are the tags. Scope is `meshConfig.discoverySelectors`.
 */
export const sailFlavour: MeshFlavourAdapter = {
  flavour: 'sail',

  detect(snapshot: ClusterSnapshot): ControlPlaneModel[] {
    return (snapshot.istios ?? []).map(istio => {
      const namespace = istio.spec.namespace ?? 'istio-system';
      const owned = (snapshot.istioRevisions ?? []).filter(revision =>
        (revision.metadata.ownerReferences ?? []).some(
          owner => owner.kind === 'Istio' && owner.name === istio.metadata.name,
        ),
      );
      const revisions =
        owned.length > 0
          ? owned.map(revision => {
              const istiod = findIstiod(
                snapshot,
                namespace,
                revision.metadata.name,
              );
              const ready =
                conditionIsTrue(revision.status?.conditions, 'Ready') ??
                deploymentReady(istiod);
              return {
                name: revision.metadata.name,
                version: normalizeVersion(revision.spec.version),
                ready,
                injectorReady: istiod ? deploymentReady(istiod) : ready,
                webhookPresent: hasInjectionWebhook(
                  snapshot,
                  revision.metadata.name,
                ),
                istiodDeployment: istiod?.metadata.name,
              };
            })
          : // The operator has not created the revision yet: report what it will be.
            [
              {
                name: expectedRevisionName(istio),
                version: normalizeVersion(istio.spec.version),
                ready: false,
                injectorReady: false,
                webhookPresent: false,
              },
            ];
      const names = new Set(revisions.map(r => r.name));
      const tags = (snapshot.istioRevisionTags ?? [])
        .map(tag => ({
          name: tag.metadata.name,
          revision:
            tag.status?.istioRevision ??
            (tag.spec.targetRef.kind === 'Istio'
              ? istio.status?.activeRevisionName ?? expectedRevisionName(istio)
              : tag.spec.targetRef.name),
        }))
        .filter(tag => names.has(tag.revision));
      return {
        flavour: 'sail' as const,
        namespace,
        name: istio.metadata.name,
        revisions: revisions.sort((a, b) => a.name.localeCompare(b.name)),
        tags: tags.sort((a, b) => a.name.localeCompare(b.name)),
        defaultRevision:
          tags.find(t => t.name === 'default')?.revision ??
          (names.has('default') ? 'default' : undefined),
        activeRevision:
          istio.status?.activeRevisionName ?? expectedRevisionName(istio),
        discoverySelectors: istio.spec.values?.meshConfig?.discoverySelectors,
      };
    });
  },

  membership: (controlPlane, namespace) =>
    labelledMembership(controlPlane, namespace),
  planEnroll: planLabelledEnroll,
  planUnenroll: planLabelledUnenroll,
};
