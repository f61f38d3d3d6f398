import {
  MAISTRA_MEMBER_OF_LABEL,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  ControlPlaneModel,
  findRevision,
  joinsByMemberRoll,
  revisionRouting,
} from './controlPlane';
import {
  detectControlPlanes,
  findMember,
  findMemberRoll,
  legacyInjectionRules,
  matchesDiscoverySelectors,
  meshFlavours,
} from './flavours';
import { decideInjection, InjectionRules } from './injection';
import type { Namespace, Service } from './kube';
import type { ClusterSnapshot } from './snapshot';

/** A snapshot with its control planes found once, for every derivation and plan. */
export interface MeshContext {
  snapshot: ClusterSnapshot;
  controlPlanes: ControlPlaneModel[];
}

export function buildMeshContext(snapshot: ClusterSnapshot): MeshContext {
  return { snapshot, controlPlanes: detectControlPlanes(snapshot) };
}

function servingOssm2(
  context: MeshContext,
  namespace: Namespace,
): ControlPlaneModel | undefined {
  const name = namespace.metadata.name;
  const labels = namespace.metadata.labels ?? {};
  return context.controlPlanes
    .filter(cp => joinsByMemberRoll(cp.flavour))
    .find(cp => {
      if (labels[MAISTRA_MEMBER_OF_LABEL] === cp.namespace) {
        return true;
      }
      const roll = findMemberRoll(context.snapshot, cp.namespace);
      return (
        (roll?.spec?.members ?? []).includes(name) ||
        (roll?.spec?.memberSelectors ?? []).some(s =>
          matchesLabelSelector(s, labels),
        ) ||
        findMember(context.snapshot, name, cp.namespace) !== undefined
      );
    });
}

/**
 * The control plane that serves a namespace: the OSSM 2 control plane it is
 * a member of, else the one owning the revision its labels select, else one
 * whose discovery selectors match it, else, if the cluster has a single
 * control plane, that one (the namespace could join it).
 */
export function servingControlPlane(
  context: MeshContext,
  namespace: Namespace,
  preferredNamespace?: string,
): ControlPlaneModel | undefined {
  if (preferredNamespace) {
    return context.controlPlanes.find(
      cp => cp.namespace === preferredNamespace,
    );
  }
  const ossm2 = servingOssm2(context, namespace);
  if (ossm2) {
    return ossm2;
  }
  const labelled = context.controlPlanes.filter(
    cp => !joinsByMemberRoll(cp.flavour),
  );
  const decision = decideInjection(
    { name: namespace.metadata.name, labels: namespace.metadata.labels },
    {},
    { style: 'labels', ...revisionRouting(labelled) },
  );
  if (decision.injected) {
    const found = findRevision(labelled, decision.revision);
    if (found) {
      return found.controlPlane;
    }
  }
  const labels = namespace.metadata.labels ?? {};
  const discovered = labelled.find(
    cp =>
      (cp.discoverySelectors?.length ?? 0) > 0 &&
      matchesDiscoverySelectors(cp.discoverySelectors, labels),
  );
  if (discovered) {
    return discovered;
  }
  if (context.controlPlanes.length === 1) {
    return context.controlPlanes[0];
  }
  return labelled.find(cp => cp.defaultRevision) ?? labelled[0];
}

/** The injection rules that apply to a namespace served by a control plane. */
export function injectionRulesFor(
  context: MeshContext,
  controlPlane: ControlPlaneModel | undefined,
): InjectionRules {
  if (controlPlane?.injector) {
    return legacyInjectionRules(context.snapshot, {
      ...controlPlane,
      injector: controlPlane.injector,
    });
  }
  if (controlPlane?.flavour === 'ossm2') {
    return {
      style: 'memberOf',
      controlPlanes: context.controlPlanes
        .filter(cp => cp.flavour === 'ossm2')
        .map(cp => ({
          namespace: cp.namespace,
          revision: cp.revisions[0].name,
        })),
    };
  }
  // Label-driven control planes share the cluster's webhooks, so a
  // namespace label may name a revision of any of them.
  return {
    style: 'labels',
    ...revisionRouting(context.controlPlanes),
  };
}

export function flavourOf(controlPlane: ControlPlaneModel) {
  return meshFlavours[controlPlane.flavour];
}

/** Services of the namespaces the control plane's istiod watches. */
export function meshVisibleServices(
  context: MeshContext,
  controlPlane: ControlPlaneModel | undefined,
): Service[] {
  const { snapshot } = context;
  if (!controlPlane) {
    return snapshot.services;
  }
  const watched = new Set(
    snapshot.namespaces
      .filter(ns => {
        if (ns.metadata.name === controlPlane.namespace) {
          return true;
        }
        if (joinsByMemberRoll(controlPlane.flavour)) {
          return flavourOf(controlPlane).membership(controlPlane, ns, snapshot)
            .member;
        }
        return matchesDiscoverySelectors(
          controlPlane.discoverySelectors,
          ns.metadata.labels ?? {},
        );
      })
      .map(ns => ns.metadata.name),
  );
  return snapshot.services.filter(s => watched.has(s.metadata.namespace!));
}
