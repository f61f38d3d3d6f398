import type {
  ClusterMeshStatus,
  InjectionInfo,
  MembershipInfo,
  NamespaceMeshStatus,
  SidecarResourceInfo,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ControlPlaneModel, toControlPlaneInfo } from './controlPlane';
import {
  buildMeshContext,
  flavourOf,
  injectionRulesFor,
  MeshContext,
  servingControlPlane,
} from './mesh';
import { matchesDiscoverySelectors } from './flavours';
import {
  decideInjection,
  InjectionDecision,
  InjectionRules,
  namespaceInjection,
  PodInjectionInput,
  podInjectSetting,
} from './injection';
import type { IstioSidecar, Namespace, Pod, Service, Workload } from './kube';
import {
  discoverLinkBases,
  LinkBases,
  mergeLinkBases,
  namespaceLinks,
  workloadLinks,
} from './links';
import { countProxies, podProxy } from './proxies';
import {
  countVisibleServices,
  egressHostsOf,
  namespaceDefaultSidecar,
} from './sidecarScope';
import { findNamespace, inNamespace, type ClusterSnapshot } from './snapshot';
import { deriveNamespaceWarnings } from './warnings';
import { podsByWorkload, workloadRef } from './workloads';

/** What the cache knows about reaching a cluster. */
export interface ClusterState {
  reachable: boolean;
  synced: boolean;
  dataAsOf?: Date;
  error?: string;
}

export interface StatusOptions {
  /** Add-on URLs from config; discovered Routes/Ingresses fill what is missing. */
  linkBases?: LinkBases;
  clusterDomain?: string;
}

/** A workload with what its pods run and what a new pod would get. */
export interface WorkloadAnalysis {
  workload: Workload;
  pods: Pod[];
  /** Injection a new pod from the current template gets. */
  expected: InjectionDecision;
  podsWithoutProxy: Pod[];
  /** Pods whose proxy comes from a revision other than the expected one. */
  podsOnOtherRevision: Pod[];
  /** Pods with a proxy although new pods would get none. */
  podsWithUnwantedProxy: Pod[];
  status: WorkloadMeshStatus;
}

/** Everything derived about one namespace; warnings are computed from it. */
export interface NamespaceAnalysis {
  context: MeshContext;
  namespace: Namespace;
  controlPlane?: ControlPlaneModel;
  rules: InjectionRules;
  membership: MembershipInfo;
  injection: InjectionInfo;
  workloads: WorkloadAnalysis[];
  services: Service[];
  sidecars: IstioSidecar[];
}

function templateInjectionInput(workload: Workload): PodInjectionInput {
  const template = workload.spec.template;
  return {
    labels: template.metadata?.labels,
    annotations: template.metadata?.annotations,
    hostNetwork: template.spec.hostNetwork,
  };
}

/** Pods a restart would change are only counted when a restart can help. */
const RESTART_REMOVES_SIDECAR: string[] = [
  'namespaceDisabled',
  'optedOut',
  'noInjectionLabel',
  'notMember',
  'notOptedIn',
];

export function analyzeWorkload(
  namespace: Namespace,
  workload: Workload,
  pods: Pod[],
  rules: InjectionRules,
  bases: LinkBases,
): WorkloadAnalysis {
  const input = templateInjectionInput(workload);
  const expected = decideInjection(
    { name: namespace.metadata.name, labels: namespace.metadata.labels },
    input,
    rules,
  );
  const withProxy = pods.filter(p => podProxy(p));
  const podsWithoutProxy = pods.filter(p => !podProxy(p));
  const podsOnOtherRevision = expected.injected
    ? withProxy.filter(p => podProxy(p)!.revision !== expected.revision)
    : [];
  const podsWithUnwantedProxy =
    !expected.injected && RESTART_REMOVES_SIDECAR.includes(expected.reason)
      ? withProxy
      : [];
  const labels = workload.spec.template.metadata?.labels ?? {};
  const setting = podInjectSetting(input);
  const injectValue =
    input.labels?.['sidecar.istio.io/inject'] ??
    input.annotations?.['sidecar.istio.io/inject'];
  const status: WorkloadMeshStatus = {
    ...workloadRef(workload),
    app: labels.app ?? labels['app.kubernetes.io/name'],
    version: labels.version ?? labels['app.kubernetes.io/version'],
    pods: pods.length,
    podsWithSidecar: withProxy.length,
    podsWithoutSidecar: podsWithoutProxy.length,
    proxies: countProxies(pods),
    optedOut: setting === 'out',
    injectAnnotation: injectValue,
    expectedRevision: expected.injected ? expected.revision : undefined,
    restartNeeded:
      (expected.injected && podsWithoutProxy.length > 0) ||
      podsOnOtherRevision.length > 0 ||
      podsWithUnwantedProxy.length > 0,
    links: workloadLinks(
      bases,
      namespace.metadata.name,
      workload.metadata.name,
      labels.app ?? labels['app.kubernetes.io/name'],
    ),
  };
  return {
    workload,
    pods,
    expected,
    podsWithoutProxy,
    podsOnOtherRevision,
    podsWithUnwantedProxy,
    status,
  };
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
        if (controlPlane.flavour === 'ossm2') {
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

function sidecarInfo(sidecar: IstioSidecar): SidecarResourceInfo {
  return {
    name: sidecar.metadata.name,
    egressHosts: egressHostsOf(sidecar),
    workloadSelector: sidecar.spec?.workloadSelector?.labels,
  };
}

function linkBasesFor(
  snapshot: ClusterSnapshot,
  controlPlane: ControlPlaneModel | undefined,
  options: StatusOptions,
): LinkBases {
  return mergeLinkBases(
    options.linkBases,
    controlPlane ? discoverLinkBases(snapshot, controlPlane.namespace) : {},
  );
}

export function analyzeNamespace(
  context: MeshContext,
  namespace: Namespace,
  options: StatusOptions = {},
): NamespaceAnalysis {
  const { snapshot } = context;
  const name = namespace.metadata.name;
  const controlPlane = servingControlPlane(context, namespace);
  const rules = injectionRulesFor(context, controlPlane);
  const bases = linkBasesFor(snapshot, controlPlane, options);
  const membership: MembershipInfo = controlPlane
    ? flavourOf(controlPlane).membership(controlPlane, namespace, snapshot)
    : { member: false };
  const workloads = [...podsByWorkload(snapshot, name).entries()]
    .filter(([workload]) => !/^istiod(-|$)/.test(workload.metadata.name))
    .map(([workload, pods]) =>
      analyzeWorkload(namespace, workload, pods, rules, bases),
    )
    .sort((a, b) =>
      a.workload.metadata.name.localeCompare(b.workload.metadata.name),
    );
  return {
    context,
    namespace,
    controlPlane,
    rules,
    membership,
    injection: namespaceInjection(
      { name, labels: namespace.metadata.labels },
      rules,
    ),
    workloads,
    services: inNamespace(snapshot.services, name),
    sidecars: inNamespace(snapshot.sidecars, name),
  };
}

/** The status of one namespace, as the API reports it. */
export function deriveNamespaceStatus(
  context: MeshContext,
  namespaceName: string,
  options: StatusOptions = {},
): NamespaceMeshStatus {
  const namespace = findNamespace(context.snapshot, namespaceName);
  if (!namespace) {
    return {
      name: namespaceName,
      membership: { member: false },
      injection: { mode: 'unset', perWorkload: false },
      workloads: [],
      sidecars: [],
      visibleServices: { all: 0 },
      warnings: [
        {
          code: 'SM-NAMESPACE-NOT-FOUND',
          severity: 'info',
          message: `Namespace ${namespaceName} does not exist on cluster ${context.snapshot.cluster}`,
          namespace: namespaceName,
        },
      ],
      links: {},
    };
  }
  const analysis = analyzeNamespace(context, namespace, options);
  const visible = meshVisibleServices(context, analysis.controlPlane);
  const defaultSidecar = namespaceDefaultSidecar(
    context.snapshot.sidecars,
    namespaceName,
    analysis.controlPlane?.namespace,
  );
  const bases = linkBasesFor(context.snapshot, analysis.controlPlane, options);
  return {
    name: namespaceName,
    controlPlane: analysis.controlPlane
      ? toControlPlaneInfo(analysis.controlPlane)
      : undefined,
    membership: analysis.membership,
    injection: analysis.injection,
    workloads: analysis.workloads.map(w => w.status),
    sidecars: analysis.sidecars.map(sidecarInfo),
    visibleServices: {
      all: visible.length,
      withSidecarEgress: defaultSidecar
        ? countVisibleServices(
            visible,
            egressHostsOf(defaultSidecar),
            namespaceName,
            options.clusterDomain,
          )
        : undefined,
    },
    warnings: deriveNamespaceWarnings(analysis),
    links: namespaceLinks(bases, [namespaceName]),
  };
}

/** One cluster's part of an entity's status. */
export function deriveClusterStatus(
  snapshot: ClusterSnapshot | MeshContext,
  state: ClusterState,
  namespaces: string[],
  options: StatusOptions = {},
): ClusterMeshStatus {
  const context =
    'controlPlanes' in snapshot ? snapshot : buildMeshContext(snapshot);
  const base = {
    name: context.snapshot.cluster,
    reachable: state.reachable,
    error: state.error,
    synced: state.synced,
    dataAsOf: state.dataAsOf?.toISOString(),
  };
  if (!state.reachable && !state.synced) {
    return { ...base, controlPlanes: [], namespaces: [] };
  }
  return {
    ...base,
    controlPlanes: context.controlPlanes.map(toControlPlaneInfo),
    namespaces: namespaces.map(ns =>
      deriveNamespaceStatus(context, ns, options),
    ),
  };
}
