/*
 * Shapes of the service-mesh HTTP API, shared by the backend that answers and
 * the frontend that asks. Plain JSON: times are ISO 8601 strings.
 */

/**
 * Which kind of control plane serves a namespace:
 * - `ossm2`: OpenShift Service Mesh 2.x (Maistra), member roll and
 *   per-workload opt-in;
 * - `istio`: upstream Istio installed with Helm, istioctl or IstioOperator;
 * - `sail`: OpenShift Service Mesh 3 / Sail Operator (`sailoperator.io/v1`).
 *
 * @public
 */
export type MeshFlavour = 'ossm2' | 'istio' | 'sail';

/** @public */
export interface RevisionInfo {
  /** Revision name as used in `istio.io/rev` (`default` for an unnamed install). */
  name: string;
  /** Control-plane version, such as `1.24.2` or `2.5.1`, when known. */
  version?: string;
  /** Whether the revision's istiod is ready. */
  ready: boolean;
  /** Whether the revision's injection webhook is registered and its istiod can answer it. */
  injectorReady: boolean;
  /** Whether `istio-injection=enabled` and opt-in pods get this revision. */
  isDefault?: boolean;
}

/** @public */
export interface RevisionTagInfo {
  name: string;
  /** The revision the tag points at. */
  revision: string;
}

/** @public */
export interface ControlPlaneInfo {
  flavour: MeshFlavour;
  /** Namespace holding istiod (`istio-system` usually). */
  namespace: string;
  /** Name of the SMCP or Istio resource, when there is one. */
  name?: string;
  revisions: RevisionInfo[];
  tags: RevisionTagInfo[];
}

/**
 * How a namespace belongs to a mesh:
 * - `memberRoll`: listed in the OSSM 2 `ServiceMeshMemberRoll` `spec.members`;
 * - `member`: it holds an OSSM 2 `ServiceMeshMember`;
 * - `memberSelector`: its labels match an SMMR `spec.memberSelectors`;
 * - `discoverySelector`: its labels match the mesh's `discoverySelectors`;
 * - `labels`: upstream Istio/Sail injection labels without discovery selectors.
 *
 * @public
 */
export type MembershipVia =
  | 'memberRoll'
  | 'member'
  | 'memberSelector'
  | 'discoverySelector'
  | 'labels';

/** @public */
export interface MeshCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** @public */
export interface MembershipInfo {
  member: boolean;
  via?: MembershipVia;
  /** Requested (listed, or a ServiceMeshMember exists) but not yet configured by the operator. */
  pending?: boolean;
  conditions?: MeshCondition[];
}

/**
 * The namespace's `istio-injection` label: `enabled`, `disabled` (any value
 * other than `enabled`), or `unset`.
 *
 * @public
 */
export type InjectionMode = 'enabled' | 'disabled' | 'unset';

/** @public */
export interface InjectionInfo {
  mode: InjectionMode;
  /** Value of the namespace's `istio.io/rev` label. */
  revisionLabel?: string;
  /** Revision a new pod without injection labels would get, after resolving tags. */
  effectiveRevision?: string;
  /** Tag the effective revision was reached through, if any. */
  effectiveTag?: string;
  /** True on OSSM 2, where each workload opts in with `sidecar.istio.io/inject: "true"`. */
  perWorkload: boolean;
}

/** @public */
export interface ProxyInfo {
  revision: string;
  /** From the proxyv2 image tag; absent when the image is pinned by digest. */
  version?: string;
  pods: number;
}

/** @public */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** @public */
export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

/** @public */
export interface MeshLinks {
  kiali?: string;
  jaeger?: string;
  grafana?: string;
}

/** @public */
export interface WorkloadMeshStatus extends WorkloadRef {
  /** `app` label of the pod template. */
  app?: string;
  /** `version` label of the pod template. */
  version?: string;
  /** Running or pending pods (Completed and terminating pods are not counted). */
  pods: number;
  podsWithSidecar: number;
  podsWithoutSidecar: number;
  proxies: ProxyInfo[];
  /** The pod template opts out with `sidecar.istio.io/inject` false. */
  optedOut: boolean;
  /** Value of the pod template's `sidecar.istio.io/inject` annotation or label, if set. */
  injectAnnotation?: string;
  /** Whether new pods of the template would get a sidecar now, and from which revision. */
  expectedRevision?: string;
  /** Some pods differ from what a new pod would get (other revision, or sidecar added/removed). */
  restartNeeded: boolean;
  links: MeshLinks;
}

/** @public */
export interface SidecarResourceInfo {
  name: string;
  egressHosts: string[];
  workloadSelector?: Record<string, string>;
}

/** @public */
export interface VisibleServicesInfo {
  /** Services the mesh can see in the whole cluster (what a sidecar sees without egress limits). */
  all: number;
  /** Services the namespace-wide Sidecar's egress allows, when one applies. */
  withSidecarEgress?: number;
}

/** @public */
export type WarningSeverity = 'error' | 'warning' | 'info';

/** @public */
export type ServiceMeshActionName =
  | 'enroll'
  | 'unenroll'
  | 'setInjection'
  | 'switchRevision'
  | 'restart'
  | 'sidecarEgress';

/**
 * The action that fixes a warning, with the request to send (the caller adds
 * `dryRun` to show the change first).
 *
 * @public
 */
export type WarningFix =
  | { action: 'enroll'; title: string; request: EnrollRequest }
  | { action: 'unenroll'; title: string; request: UnenrollRequest }
  | { action: 'setInjection'; title: string; request: SetInjectionRequest }
  | { action: 'switchRevision'; title: string; request: SwitchRevisionRequest }
  | { action: 'restart'; title: string; request: RestartRequest }
  | { action: 'sidecarEgress'; title: string; request: SidecarEgressRequest };

/** @public */
export interface MeshWarning {
  /** Istio analyzer code (`IST0123`) where one exists, otherwise `SM-...`. */
  code: string;
  severity: WarningSeverity;
  /** Plain explanation of what is wrong and what it causes. */
  message: string;
  namespace: string;
  workload?: WorkloadRef;
  fix?: WarningFix;
}

/** @public */
export interface NamespaceMeshStatus {
  name: string;
  /** The control plane serving (or able to serve) the namespace; absent when the cluster has none. */
  controlPlane?: ControlPlaneInfo;
  membership: MembershipInfo;
  injection: InjectionInfo;
  workloads: WorkloadMeshStatus[];
  sidecars: SidecarResourceInfo[];
  visibleServices: VisibleServicesInfo;
  warnings: MeshWarning[];
  links: MeshLinks;
}

/** @public */
export interface ClusterMeshStatus {
  name: string;
  reachable: boolean;
  /** Why the cluster could not be read, in plain words. */
  error?: string;
  /** Whether the cluster's caches have completed their initial list. */
  synced: boolean;
  /** When the data was last confirmed current (ISO 8601). */
  dataAsOf?: string;
  /** Every control plane on the cluster, to offer revisions and tags. */
  controlPlanes: ControlPlaneInfo[];
  namespaces: NamespaceMeshStatus[];
}

/** @public */
export interface EntityMeshStatus {
  entityRef: string;
  clusters: ClusterMeshStatus[];
}

/**
 * Common fields of every action request.
 *
 * @public
 */
export interface MeshActionRequestBase {
  cluster: string;
  namespace: string;
  /** Return the planned change without writing anything. */
  dryRun?: boolean;
  /** Override guard rails that allow it; needs the force permission. */
  force?: boolean;
}

/** @public */
export interface EnrollRequest extends MeshActionRequestBase {
  /**
   * Istio/Sail: revision or tag to label the namespace with. Without it the
   * namespace gets `istio-injection=enabled` (default revision), or the
   * active revision when there is no default.
   */
  revision?: string;
  /** Control-plane namespace to join, when the cluster has several. */
  controlPlaneNamespace?: string;
}

/** @public */
export interface UnenrollRequest extends MeshActionRequestBase {
  controlPlaneNamespace?: string;
}

/**
 * `enabled`/`disabled` set the namespace's `istio-injection` label (or, on
 * OSSM 2, each workload's `sidecar.istio.io/inject` annotation); `removed`
 * removes it.
 *
 * @public
 */
export type InjectionSetting = 'enabled' | 'disabled' | 'removed';

/** @public */
export interface SetInjectionRequest extends MeshActionRequestBase {
  injection: InjectionSetting;
  /** OSSM 2: workloads to annotate; all workloads of the namespace when absent. */
  workloads?: WorkloadRef[];
}

/** @public */
export interface SwitchRevisionRequest extends MeshActionRequestBase {
  /** Revision or revision tag. */
  revision: string;
}

/** @public */
export interface RestartRequest extends MeshActionRequestBase {
  /** Workloads to restart; all workloads of the namespace when absent. */
  workloads?: WorkloadRef[];
}

/** @public */
export interface SidecarEgressRequest extends MeshActionRequestBase {
  /** Name of the Sidecar resource; `default` when absent. */
  name?: string;
  /**
   * Egress hosts in `namespace/dnsName` form. When absent: `./*` and
   * `<control-plane namespace>/*`.
   */
  hosts?: string[];
  /** Pod labels the Sidecar applies to; namespace-wide when absent. */
  workloadSelector?: Record<string, string>;
}

/**
 * One operation of RFC 6902 JSON Patch. `test` operations are preconditions:
 * the server rejects the whole patch when one fails.
 *
 * @public
 */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: unknown;
  from?: string;
}

/** @public */
export type KubeVerb = 'create' | 'patch' | 'delete';

/**
 * One write to the Kubernetes API.
 *
 * @public
 */
export interface KubeOperation {
  verb: KubeVerb;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** For `patch`: JSON Patch (`application/json-patch+json`), with `test` preconditions. */
  patch?: JsonPatchOperation[];
  /** For `create`: the full object. */
  object?: Record<string, unknown>;
  /** For `delete`: only delete this exact version of the object. */
  preconditions?: { resourceVersion?: string; uid?: string };
  /** One line saying what changes, for people. */
  summary: string;
  /** YAML of the object after the change (empty for `delete`). */
  resultYaml: string;
}

/** @public */
export interface PlannedChange {
  /** Empty when the request changes nothing (the action is idempotent). */
  operations: KubeOperation[];
}

/** @public */
export interface PodRef {
  name: string;
  workload?: WorkloadRef;
}

/** @public */
export interface MeshActionResponse {
  dryRun: boolean;
  /** Whether the operations were written (false for a dry run or a no-op). */
  applied: boolean;
  change: PlannedChange;
  /** Guard rails the request overrode with `force`. */
  forced?: string[];
}

/** @public */
export interface RestartResponse extends MeshActionResponse {
  podsToReplace: PodRef[];
}

/** @public */
export interface SidecarEgressResponse extends MeshActionResponse {
  visibleServices: { before: number; after: number };
}
