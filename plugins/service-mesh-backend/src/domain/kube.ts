import type { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';

/*
 * The Kubernetes objects the mesh domain reads, reduced to the fields it
 * uses. Plain JSON as the API returns it, so a cache can store trimmed
 * objects and tests can write them by hand.
 */

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export type Namespace = KubeObject;

export interface Container {
  name: string;
  image?: string;
  /** `Always` on an init container makes it a native sidecar. */
  restartPolicy?: string;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
}

/** A container's status; `state.waiting.reason` tells CrashLoopBackOff. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { reason?: string; exitCode?: number };
  };
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    /** Native sidecars report here. */
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: PodSpec;
}

export interface Workload extends KubeObject {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    numberReady?: number;
    conditions?: Condition[];
  };
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports?: ServicePort[];
  };
}

export interface MutatingWebhook {
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  failurePolicy?: 'Fail' | 'Ignore' | string;
  clientConfig?: {
    service?: { name: string; namespace: string; path?: string };
    url?: string;
  };
}

export interface MutatingWebhookConfiguration extends KubeObject {
  webhooks?: MutatingWebhook[];
}

/** Same shape as the mutating kind for what we read: name, service, failure policy. */
export interface ValidatingWebhookConfiguration extends KubeObject {
  webhooks?: MutatingWebhook[];
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** `maistra.io/v2` ServiceMeshControlPlane. */
export interface ServiceMeshControlPlane extends KubeObject {
  spec?: { version?: string; [key: string]: unknown };
  status?: {
    chartVersion?: string;
    conditions?: Condition[];
    readiness?: { components?: Record<string, string[] | null> };
  };
}

/**
 * Maistra 0.x `istio.openshift.com/v1alpha1` Installation (the operator's
 * installer Job reads it). Only the fields we read; see the demo cluster's
 * declared CRD.
 */
export interface MaistraInstallation extends KubeObject {
  spec?: {
    deployment_type?: string;
    istio?: { version?: string; prefix?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  status?: {
    state?: string;
    istio?: { version?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}

/** `maistra.io/v1` ServiceMeshMemberRoll. */
export interface ServiceMeshMemberRoll extends KubeObject {
  spec?: {
    /** Nullable in the CRD: the sample ships `members:` with nothing under it. */
    members?: string[] | null;
    memberSelectors?: LabelSelector[] | null;
  };
  status?: {
    members?: string[] | null;
    configuredMembers?: string[] | null;
    pendingMembers?: string[] | null;
    terminatingMembers?: string[] | null;
    memberStatuses?: { namespace: string; conditions?: Condition[] }[] | null;
    conditions?: Condition[];
  };
}

/** `maistra.io/v1` ServiceMeshMember. */
export interface ServiceMeshMember extends KubeObject {
  spec: { controlPlaneRef: { name: string; namespace: string } };
  status?: { conditions?: Condition[] };
}

/** Values shared by the Sail `Istio` and `IstioRevision` specs that we read. */
export interface SailValues {
  revision?: string;
  meshConfig?: { discoverySelectors?: LabelSelector[] };
  [key: string]: unknown;
}

/** `sailoperator.io/v1` Istio. */
export interface SailIstio extends KubeObject {
  spec: {
    version?: string;
    namespace?: string;
    updateStrategy?: { type?: 'InPlace' | 'RevisionBased' | string };
    values?: SailValues;
  };
  status?: {
    activeRevisionName?: string;
    state?: string;
    conditions?: Condition[];
  };
}

/** `sailoperator.io/v1` IstioRevision. */
export interface SailIstioRevision extends KubeObject {
  spec: { version?: string; namespace?: string; values?: SailValues };
  status?: { state?: string; conditions?: Condition[] };
}

/** `sailoperator.io/v1` IstioRevisionTag. */
export interface SailIstioRevisionTag extends KubeObject {
  spec: { targetRef: { kind: string; name: string } };
  status?: {
    istioRevision?: string;
    istiodNamespace?: string;
    state?: string;
  };
}

/** `networking.istio.io` Sidecar. */
export interface IstioSidecar extends KubeObject {
  spec?: {
    workloadSelector?: { labels?: Record<string, string> };
    egress?: { hosts: string[]; port?: unknown; bind?: string }[];
    [key: string]: unknown;
  };
}

/** Istio `networking.istio.io/v1` ServiceEntry: hosts added to the mesh's registry. */
export interface IstioServiceEntry extends KubeObject {
  spec?: {
    hosts?: string[];
    exportTo?: string[];
    location?: string;
    resolution?: string;
    ports?: { number: number; name: string; protocol?: string }[];
    [key: string]: unknown;
  };
}

/** OpenShift `route.openshift.io/v1` Route. */
export interface Route extends KubeObject {
  spec: {
    host?: string;
    path?: string;
    tls?: Record<string, unknown> | null;
    to?: { kind?: string; name: string };
  };
}

/** `networking.k8s.io/v1` Ingress. */
export interface Ingress extends KubeObject {
  spec: {
    tls?: { hosts?: string[] }[];
    rules?: {
      host?: string;
      http?: {
        paths: { path?: string; backend: { service?: { name: string } } }[];
      };
    }[];
  };
}

export function labelsOf(object: {
  metadata?: { labels?: Record<string, string> };
}): Record<string, string> {
  return object.metadata?.labels ?? {};
}

export function annotationsOf(object: {
  metadata?: { annotations?: Record<string, string> };
}): Record<string, string> {
  return object.metadata?.annotations ?? {};
}

export function conditionIsTrue(
  conditions: Condition[] | undefined,
  type: string,
): boolean | undefined {
  const condition = conditions?.find(c => c.type === type);
  return condition ? condition.status === 'True' : undefined;
}
