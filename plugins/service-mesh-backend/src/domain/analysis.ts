import type {
  InjectionInfo,
  MembershipInfo,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel } from './controlPlane';
import {
  decideInjection,
  InjectionDecision,
  InjectionRules,
  namespaceInjection,
  PodInjectionInput,
  podInjectSetting,
  resolveProxyRevision,
} from './injection';
import type { IstioSidecar, Namespace, Pod, Service } from './kube';
import {
  discoverLinkBases,
  LinkBases,
  mergeLinkBases,
  workloadLinks,
} from './links';
import {
  flavourOf,
  injectionRulesFor,
  MeshContext,
  servingControlPlane,
} from './mesh';
import { countProxies, podProxy } from './proxies';
import { inNamespace, type ClusterSnapshot } from './snapshot';
import {
  isRestartable,
  ListedWorkload,
  listedWorkloadRef,
  podsByListedWorkload,
} from './workloads';

/*
 * What a namespace and its workloads are, derived once from a snapshot:
 * the status and the warnings are both read off this analysis.
 */

export interface StatusOptions {
  /** Add-on URLs from config; discovered Routes/Ingresses fill what is missing. */
  linkBases?: LinkBases;
  clusterDomain?: string;
}

/** A workload with what its pods run and what a new pod would get. */
export interface WorkloadAnalysis {
  /** A Deployment, StatefulSet or DaemonSet, or pods without one (a PodGroup). */
  workload: ListedWorkload;
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
  /** Add-on URLs: config first, then what the control plane's namespace exposes. */
  linkBases: LinkBases;
}

function templateInjectionInput(workload: ListedWorkload): PodInjectionInput {
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
  'neverInjectSelector',
];

export function analyzeWorkload(
  namespace: Namespace,
  workload: ListedWorkload,
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
    ? withProxy.filter(
        p =>
          resolveProxyRevision(podProxy(p)!.revision, rules) !==
          expected.revision,
      )
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
    ...listedWorkloadRef(workload),
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
      isRestartable(workload) &&
      ((expected.injected && podsWithoutProxy.length > 0) ||
        podsOnOtherRevision.length > 0 ||
        podsWithUnwantedProxy.length > 0),
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
  const linkBases = linkBasesFor(snapshot, controlPlane, options);
  const membership: MembershipInfo = controlPlane
    ? flavourOf(controlPlane).membership(controlPlane, namespace, snapshot)
    : { member: false };
  const workloads = [...podsByListedWorkload(snapshot, name).entries()]
    .filter(([workload]) => !/^istiod(-|$)/.test(workload.metadata.name))
    .map(([workload, pods]) =>
      analyzeWorkload(namespace, workload, pods, rules, linkBases),
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
    linkBases,
  };
}
