import { ISTIO_TAG_LABEL } from '@mesh-backstage/plugin-service-mesh-common';
import {
  ControlPlaneModel,
  deploymentReady,
  hasInjectionWebhook,
  istiodRevision,
  isIstiodDeployment,
  normalizeVersion,
} from '../controlPlane';
import { webhookConfigurationRevision } from '../injection';
import { proxyImageVersion } from '../proxies';
import type { ClusterSnapshot } from '../snapshot';
import {
  discoverySelectorsOf,
  labelledMembership,
  planLabelledEnroll,
  planLabelledUnenroll,
} from './labelled';
import type { MeshFlavourAdapter } from './types';

/**
 * Upstream Istio (Helm, istioctl, IstioOperator): control planes are the
 * istiod Deployments not owned by an OSSM 2 or Sail control plane, grouped
 * by namespace; tags come from the `istio-revision-tag-*` webhook
 * configurations.
 */
export const istioFlavour: MeshFlavourAdapter = {
  flavour: 'istio',

  detect(snapshot: ClusterSnapshot): ControlPlaneModel[] {
    const ossmNamespaces = new Set(
      (snapshot.serviceMeshControlPlanes ?? []).map(
        smcp => smcp.metadata.namespace,
      ),
    );
    const sailRevisions = new Set(
      (snapshot.istioRevisions ?? []).map(r => r.metadata.name),
    );
    const sailNamespaces = new Set(
      (snapshot.istios ?? []).map(i => i.spec.namespace ?? 'istio-system'),
    );
    const byNamespace = new Map<string, ControlPlaneModel>();
    for (const istiod of snapshot.workloads.filter(isIstiodDeployment)) {
      const namespace = istiod.metadata.namespace!;
      const revision = istiodRevision(istiod);
      if (
        ossmNamespaces.has(namespace) ||
        (sailNamespaces.has(namespace) && sailRevisions.has(revision))
      ) {
        continue;
      }
      const cp = byNamespace.get(namespace) ?? {
        flavour: 'istio' as const,
        namespace,
        revisions: [],
        tags: [],
      };
      const discovery = istiod.spec.template.spec.containers.find(
        c => c.name === 'discovery',
      );
      const ready = deploymentReady(istiod);
      cp.revisions.push({
        name: revision,
        version: normalizeVersion(proxyImageVersion(discovery?.image)),
        ready,
        injectorReady: ready,
        webhookPresent: hasInjectionWebhook(snapshot, revision),
        istiodDeployment: istiod.metadata.name,
      });
      byNamespace.set(namespace, cp);
    }
    for (const cp of byNamespace.values()) {
      const names = new Set(cp.revisions.map(r => r.name));
      for (const config of snapshot.mutatingWebhookConfigurations) {
        const tag = config.metadata.labels?.[ISTIO_TAG_LABEL];
        const revision = webhookConfigurationRevision(config);
        if (tag && revision && names.has(revision)) {
          cp.tags.push({ name: tag, revision });
        }
      }
      cp.tags.sort((a, b) => a.name.localeCompare(b.name));
      cp.revisions.sort((a, b) => a.name.localeCompare(b.name));
      cp.defaultRevision =
        cp.tags.find(t => t.name === 'default')?.revision ??
        (names.has('default') ? 'default' : undefined);
      const meshConfig = (snapshot.configMaps ?? []).find(
        c =>
          c.metadata.namespace === cp.namespace &&
          (c.metadata.name === 'istio' ||
            c.metadata.name === `istio-${cp.defaultRevision}`),
      );
      cp.discoverySelectors = discoverySelectorsOf(meshConfig);
    }
    return [...byNamespace.values()];
  },

  membership: (controlPlane, namespace) =>
    labelledMembership(controlPlane, namespace),
  planEnroll: planLabelledEnroll,
  planUnenroll: planLabelledUnenroll,
};
