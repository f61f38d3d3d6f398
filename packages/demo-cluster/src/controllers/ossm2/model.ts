import { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, KubeObject } from '../../apiserver/types';
import { WorkQueue } from '../workQueue';
import { Addon } from '../observability';

export const OWNER_LABEL = 'maistra.io/owner';
export const OWNER_NAME_LABEL = 'maistra.io/owner-name';
export const OPERATOR = 'maistra-istio-operator';

/** Chart (and image) versions the simulated operator installs per `spec.version`. */
export const CHART_VERSIONS: Record<string, string> = {
  // OSSM 1.x, whose control planes the `ossm1` scenario lays out (legacyIstio/ossm1.ts).
  'v1.0': '1.0.11',
  'v1.1': '1.1.18',
  'v2.3': '2.3.11',
  'v2.4': '2.4.13',
  'v2.5': '2.5.2',
  'v2.6': '2.6.5',
};

export interface SmcpSpec {
  version?: string;
  tracing?: { type?: string };
  gateways?: { enabled?: boolean };
  addons?: {
    kiali?: { enabled?: boolean };
    grafana?: { enabled?: boolean };
    prometheus?: { enabled?: boolean };
  };
}

export interface MemberRollSpec {
  members?: string[] | null;
  memberSelectors?: LabelSelector[];
}

export interface MemberSpec {
  controlPlaneRef?: { name?: string; namespace?: string };
}

export interface Ossm2ControllerOptions {
  /** Route domain of the simulated OpenShift cluster. */
  domain?: string;
  /**
   * The SMCP reconciler; the default lays out istiod (OSSM 2). OSSM 1.x
   * passes its own (`legacyIstio/ossm1.ts`), keeping the member roll and
   * member reconcilers.
   */
  controlPlaneController?: (
    ctx: Ossm2Context,
  ) => (namespace: string, name: string) => void;
}

/** What the operator's reconcilers share. */
export interface Ossm2Context {
  api: ClusterApi;
  /** Keys `SMCP/<ns>/<name>`, `SMMR/<ns>/default`, `SMM/<ns>/default`. */
  queue: WorkQueue;
  options: Ossm2ControllerOptions;
  /** Member roll specs by control-plane namespace, to route namespace events. */
  rolls: Map<string, MemberRollSpec>;
  /** Namespace → control-plane namespace its ServiceMeshMember points at. */
  memberships: Map<string, string>;
}

export function chartVersionOf(smcp: KubeObject): string {
  const version = (smcp.spec as SmcpSpec)?.version ?? 'v2.5';
  return CHART_VERSIONS[version] ?? '2.5.2';
}

export const ALL_ADDONS: Addon[] = ['prometheus', 'kiali', 'grafana', 'jaeger'];

export function addonsOf(spec: SmcpSpec): Addon[] {
  return [
    ...(spec.addons?.prometheus?.enabled === false
      ? []
      : (['prometheus'] as const)),
    ...(spec.addons?.kiali?.enabled === false ? [] : (['kiali'] as const)),
    ...(spec.addons?.grafana?.enabled === false ? [] : (['grafana'] as const)),
    ...(spec.tracing?.type === 'None' ? [] : (['jaeger'] as const)),
  ];
}

/** OSSM 2 names the CNI attachment after the control-plane minor version. */
export function cniAttachmentName(chart: string): string {
  const [major, minor] = chart.split('.');
  return `v${major}-${minor}-istio-cni`;
}
