import type {
  ControlPlaneInfo,
  LabelSelector,
  MeshFlavour,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ISTIO_REVISION_LABEL } from '@mesh-backstage/plugin-service-mesh-common';
import {
  isInjectionWebhook,
  RevisionRouting,
  webhookConfigurationRevision,
} from './injection';
import type { InjectorModel } from './injectorPolicy';
import { conditionIsTrue, Workload } from './kube';
import type { ClusterSnapshot } from './snapshot';

/** One istiod revision of a control plane, as the domain sees it. */
export interface RevisionModel {
  name: string;
  version?: string;
  /** istiod (or the operator's revision resource) is ready. */
  ready: boolean;
  /** The istiod answering this revision's injection webhook is ready. */
  injectorReady: boolean;
  /** A MutatingWebhookConfiguration for the revision exists. */
  webhookPresent: boolean;
  /** Name of the istiod Deployment, when found. */
  istiodDeployment?: string;
}

/** A control plane found on a cluster, whatever its flavour. */
export interface ControlPlaneModel {
  flavour: MeshFlavour;
  namespace: string;
  /** SMCP or Istio resource name. */
  name?: string;
  revisions: RevisionModel[];
  tags: { name: string; revision: string }[];
  /** Revision that `istio-injection=enabled` and opt-in pods get. */
  defaultRevision?: string;
  /** Revision new enrolments use when no default exists (Sail's active revision). */
  activeRevision?: string;
  /** Namespaces istiod watches; undefined means all. */
  discoverySelectors?: LabelSelector[];
  /** Before istiod (Istio 1.0–1.4, Maistra 0.x, OSSM 1.x): the separate injector. */
  injector?: InjectorModel;
}

/** Flavours whose namespaces join through a ServiceMeshMemberRoll. */
export function joinsByMemberRoll(flavour: MeshFlavour): boolean {
  return flavour === 'ossm2' || flavour === 'ossm1';
}

export function toControlPlaneInfo(cp: ControlPlaneModel): ControlPlaneInfo {
  return {
    flavour: cp.flavour,
    namespace: cp.namespace,
    name: cp.name,
    revisions: cp.revisions.map(r => ({
      name: r.name,
      version: r.version,
      ready: r.ready,
      injectorReady: r.injectorReady,
      isDefault: r.name === cp.defaultRevision || undefined,
    })),
    tags: cp.tags.map(t => ({ ...t })),
    defaultRevision: cp.defaultRevision,
  };
}

/** `v1.24.2` → `1.24.2`. */
export function normalizeVersion(version: string | undefined) {
  return version?.replace(/^v(?=\d)/, '');
}

export function deploymentReady(deployment: Workload | undefined): boolean {
  if (!deployment) {
    return false;
  }
  // A Deployment scaled to zero is still "Available" (zero of zero), but an
  // istiod without a ready pod answers no webhook call.
  const available = conditionIsTrue(deployment.status?.conditions, 'Available');
  return available !== false && (deployment.status?.readyReplicas ?? 0) > 0;
}

/** Revision name of an istiod Deployment: its label, else its name. */
export function istiodRevision(deployment: Workload): string {
  const label = deployment.metadata.labels?.[ISTIO_REVISION_LABEL];
  if (label) {
    return label;
  }
  const name = deployment.metadata.name;
  return name === 'istiod' ? 'default' : name.replace(/^istiod-/, '');
}

export function isIstiodDeployment(workload: Workload): boolean {
  return (
    workload.kind === 'Deployment' &&
    (workload.metadata.labels?.app === 'istiod' ||
      /^istiod(-|$)/.test(workload.metadata.name))
  );
}

/** The istiod Deployment serving a revision in a control-plane namespace. */
export function findIstiod(
  snapshot: ClusterSnapshot,
  namespace: string,
  revision: string,
): Workload | undefined {
  const candidates = snapshot.workloads.filter(
    w => w.metadata.namespace === namespace && isIstiodDeployment(w),
  );
  return (
    candidates.find(w => istiodRevision(w) === revision) ??
    candidates.find(w => w.metadata.name === `istiod-${revision}`)
  );
}

export function hasInjectionWebhook(
  snapshot: ClusterSnapshot,
  revision: string,
): boolean {
  return snapshot.mutatingWebhookConfigurations.some(
    config =>
      webhookConfigurationRevision(config) === revision &&
      (config.webhooks ?? []).some(isInjectionWebhook),
  );
}

/** Revisions, tags and default revision of label-driven control planes together. */
export function revisionRouting(
  controlPlanes: ControlPlaneModel[],
): RevisionRouting {
  const routing: RevisionRouting = { revisions: [], tags: {} };
  for (const cp of controlPlanes.filter(c => !joinsByMemberRoll(c.flavour))) {
    routing.revisions.push(...cp.revisions.map(r => r.name));
    for (const tag of cp.tags) {
      routing.tags[tag.name] = tag.revision;
    }
    routing.defaultRevision ??= cp.defaultRevision;
  }
  return routing;
}

/** The control plane holding a revision, and the revision itself. */
export function findRevision(
  controlPlanes: ControlPlaneModel[],
  revision: string,
): { controlPlane: ControlPlaneModel; revision: RevisionModel } | undefined {
  for (const controlPlane of controlPlanes) {
    const found = controlPlane.revisions.find(r => r.name === revision);
    if (found) {
      return { controlPlane, revision: found };
    }
  }
  return undefined;
}
