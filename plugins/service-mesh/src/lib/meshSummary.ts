import type {
  ClusterMeshStatus,
  ControlPlaneInfo,
  EntityMeshStatus,
  MembershipVia,
  MeshFlavour,
  MeshLinks,
  MeshWarning,
  NamespaceMeshStatus,
  WarningSeverity,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';

/** Whether the entity's namespaces are in the mesh, at a glance. */
export type MeshVerdict = 'inMesh' | 'partlyInMesh' | 'notInMesh' | 'unknown';

export interface ServingRevision {
  controlPlane: ControlPlaneInfo;
  revision: string;
  tag?: string;
  version?: string;
}

export interface MeshSummary {
  verdict: MeshVerdict;
  /** Namespaces the status covers, over reachable clusters. */
  namespaces: number;
  namespacesInMesh: number;
  workloads: number;
  workloadsWithSidecar: number;
  /** Workloads whose pods differ from what a new pod would get. */
  workloadsNeedingRestart: number;
  /** Control plane and revision serving the namespaces, without repeats. */
  serving: ServingRevision[];
  /** All warnings, most severe first. */
  warnings: MeshWarning[];
  links: MeshLinks;
}

const severityOrder: Record<WarningSeverity, number> = {
  error: 0,
  warning: 1,
  info: 2,
};

export function bySeverity(a: MeshWarning, b: MeshWarning): number {
  return severityOrder[a.severity] - severityOrder[b.severity];
}

/** A workload counts as "with sidecar" once every running pod has one. */
export function hasSidecar(workload: WorkloadMeshStatus): boolean {
  return workload.pods > 0 && workload.podsWithoutSidecar === 0;
}

export function namespacesOf(status: EntityMeshStatus): NamespaceMeshStatus[] {
  return status.clusters.flatMap(c => c.namespaces);
}

export function servingRevision(
  namespace: NamespaceMeshStatus,
): ServingRevision | undefined {
  const { controlPlane, injection } = namespace;
  if (!controlPlane || !injection.effectiveRevision) {
    return undefined;
  }
  const revision = controlPlane.revisions.find(
    r => r.name === injection.effectiveRevision,
  );
  return {
    controlPlane,
    revision: injection.effectiveRevision,
    tag: injection.effectiveTag,
    version: revision?.version,
  };
}

/**
 * The entity-level links: the namespace graph in Kiali, the first workload's
 * traces in Jaeger (a bare Jaeger search page says little), and Grafana's
 * Istio dashboards.
 */
function entityLinks(namespaces: NamespaceMeshStatus[]): MeshLinks {
  const workloads = namespaces.flatMap(n => n.workloads);
  return {
    kiali: namespaces.find(n => n.links.kiali)?.links.kiali,
    jaeger:
      workloads.find(w => w.links.jaeger)?.links.jaeger ??
      namespaces.find(n => n.links.jaeger)?.links.jaeger,
    grafana: namespaces.find(n => n.links.grafana)?.links.grafana,
    servicegraph: namespaces.find(n => n.links.servicegraph)?.links
      .servicegraph,
  };
}

export function summarizeStatus(status: EntityMeshStatus): MeshSummary {
  const namespaces = namespacesOf(status);
  const workloads = namespaces.flatMap(n => n.workloads);
  const inMesh = namespaces.filter(n => n.membership.member);
  const withSidecar = workloads.filter(hasSidecar);

  let verdict: MeshVerdict;
  if (namespaces.length === 0) {
    verdict = 'unknown';
  } else if (
    inMesh.length === namespaces.length &&
    withSidecar.length === workloads.length
  ) {
    verdict = 'inMesh';
  } else if (inMesh.length > 0 || withSidecar.length > 0) {
    verdict = 'partlyInMesh';
  } else {
    verdict = 'notInMesh';
  }

  const serving = new Map<string, ServingRevision>();
  for (const namespace of inMesh) {
    const found = servingRevision(namespace);
    if (found) {
      const key = `${found.controlPlane.namespace}/${found.revision}/${found.tag}`;
      serving.set(key, found);
    }
  }

  return {
    verdict,
    namespaces: namespaces.length,
    namespacesInMesh: inMesh.length,
    workloads: workloads.length,
    workloadsWithSidecar: withSidecar.length,
    workloadsNeedingRestart: workloads.filter(w => w.restartNeeded).length,
    serving: [...serving.values()],
    warnings: namespaces.flatMap(n => n.warnings).sort(bySeverity),
    links: entityLinks(namespaces),
  };
}

/** How the card shows the verdict: an icon's status and the words. */
export interface VerdictDisplay {
  status: 'ok' | 'warning' | 'error' | 'aborted' | 'pending';
  text: string;
}

const verdictWords: Record<MeshVerdict, string> = {
  inMesh: 'In mesh',
  partlyInMesh: 'Partly in mesh',
  notInMesh: 'Not in mesh',
  unknown: 'Mesh status unknown',
};

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The verdict at its worst: membership alone says "In mesh", but an
 * error-level warning beside it turns it red ("In mesh, with 1 error"), and
 * warnings or pods waiting for a restart turn it amber. Informational
 * findings leave it as it is.
 */
export function verdictDisplay(summary: MeshSummary): VerdictDisplay {
  const words = verdictWords[summary.verdict];
  const errors = summary.warnings.filter(w => w.severity === 'error').length;
  const warnings = summary.warnings.filter(
    w => w.severity === 'warning',
  ).length;
  if (errors > 0) {
    return {
      status: 'error',
      text: `${words}, with ${counted(errors, 'error')}`,
    };
  }
  if (summary.verdict === 'unknown') {
    return { status: 'pending', text: words };
  }
  if (warnings > 0) {
    return {
      status: 'warning',
      text: `${words}, with ${counted(warnings, 'warning')}`,
    };
  }
  if (summary.workloadsNeedingRestart > 0) {
    return { status: 'warning', text: `${words}, restart needed` };
  }
  switch (summary.verdict) {
    case 'inMesh':
      return { status: 'ok', text: words };
    case 'partlyInMesh':
      return { status: 'warning', text: words };
    default:
      return { status: 'aborted', text: words };
  }
}

const flavourNames: Record<MeshFlavour, string> = {
  ossm2: 'OpenShift Service Mesh 2',
  istio: 'Istio',
  sail: 'OpenShift Service Mesh 3',
  istioLegacy: 'Istio (before istiod)',
  maistra0: 'Maistra 0',
  ossm1: 'OpenShift Service Mesh 1',
};

export function flavourName(flavour: MeshFlavour): string {
  return flavourNames[flavour];
}

/** "OpenShift Service Mesh 2 basic in istio-system". */
export function controlPlaneName(controlPlane: ControlPlaneInfo): string {
  const name = controlPlane.name ? ` ${controlPlane.name}` : '';
  return `${flavourName(controlPlane.flavour)}${name} in ${
    controlPlane.namespace
  }`;
}

/** "prod-stable → 1-23-1 (1.23.1)". */
export function revisionLabel(serving: ServingRevision): string {
  const target = serving.tag
    ? `${serving.tag} → ${serving.revision}`
    : serving.revision;
  return serving.version ? `${target} (${serving.version})` : target;
}

/** The revision `istio-injection=enabled` and opt-in pods get, if any. */
export function defaultRevisionOf(
  controlPlane: ControlPlaneInfo,
): string | undefined {
  return (
    controlPlane.defaultRevision ??
    controlPlane.revisions.find(r => r.isDefault)?.name
  );
}

/** "canary; default is 1-23-1" for a revision other than the default. */
export function canaryNote(
  revision: string,
  controlPlane: ControlPlaneInfo,
): string | undefined {
  const defaultRevision = defaultRevisionOf(controlPlane);
  return defaultRevision && revision !== defaultRevision
    ? `canary; default is ${defaultRevision}`
    : undefined;
}

/**
 * The revision a namespace uses, named for what it is: "1-24-3 (canary;
 * default is 1-23-1)", "prod-stable → 1-24-3 (canary; default is 1-23-1)",
 * or for the default itself {@link revisionLabel}'s "basic (2.5.2)". The
 * version is left out where the revision name already spells it.
 */
export function revisionWithRole(serving: ServingRevision): string {
  const note = canaryNote(serving.revision, serving.controlPlane);
  if (!note) {
    return revisionLabel(serving);
  }
  const target = serving.tag
    ? `${serving.tag} → ${serving.revision}`
    : serving.revision;
  const spelled = serving.version?.replace(/\./g, '-') === serving.revision;
  const version = serving.version && !spelled ? `${serving.version}; ` : '';
  return `${target} (${version}${note})`;
}

const membershipVia: Record<MembershipVia, string> = {
  memberRoll: 'listed in the ServiceMeshMemberRoll',
  member: 'through its ServiceMeshMember',
  memberSelector: "selected by the member roll's memberSelectors",
  discoverySelector: "selected by the mesh's discoverySelectors",
  labels: 'by its injection labels',
  podOptIn: 'its workloads opt in (sidecar.istio.io/inject)',
};

export function membershipText(namespace: NamespaceMeshStatus): string {
  const { member, pending, via } = namespace.membership;
  if (pending) {
    return 'Pending: requested, not yet configured by the operator';
  }
  if (!member) {
    return 'Not a member';
  }
  return via ? `Member, ${membershipVia[via]}` : 'Member';
}

export function injectionText(namespace: NamespaceMeshStatus): string {
  const { mode, revisionLabel: rev, perWorkload } = namespace.injection;
  if (perWorkload) {
    return 'Per workload (sidecar.istio.io/inject annotation)';
  }
  const parts: string[] = [];
  if (mode !== 'unset') {
    parts.push(`istio-injection=${mode}`);
  }
  if (rev) {
    parts.push(`istio.io/rev=${rev}`);
  }
  return parts.length ? parts.join(', ') : 'No injection label';
}

export function clusterProblem(
  cluster: Pick<ClusterMeshStatus, 'name' | 'reachable' | 'synced' | 'error'>,
): string | undefined {
  if (!cluster.reachable) {
    return `Cluster ${cluster.name} is unreachable${
      cluster.error ? `: ${cluster.error}` : ''
    }. Its mesh status is unknown.`;
  }
  if (!cluster.synced) {
    return `Cluster ${cluster.name} is still being read; its status may be incomplete.`;
  }
  if (cluster.error) {
    return `Cluster ${cluster.name} could not be read just now: ${cluster.error}. Showing the last known state.`;
  }
  return undefined;
}
