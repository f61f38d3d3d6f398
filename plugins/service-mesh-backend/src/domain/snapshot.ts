import type {
  ConfigMap,
  Ingress,
  IstioServiceEntry,
  IstioSidecar,
  KubeObject,
  MaistraInstallation,
  MutatingWebhookConfiguration,
  Namespace,
  Pod,
  Route,
  SailIstio,
  SailIstioRevision,
  SailIstioRevisionTag,
  Service,
  ServiceMeshControlPlane,
  ValidatingWebhookConfiguration,
  ServiceMeshMember,
  ServiceMeshMemberRoll,
  Workload,
} from './kube';

/**
 * Everything the mesh domain reads about one cluster, as plain objects. A
 * watch-backed cache fills it; tests write it by hand.
 *
 * A list that is `undefined` means the API (usually a CRD) does not exist on
 * the cluster; an empty list means it exists and holds nothing. The domain
 * uses that difference, for example to tell OpenShift (Routes exist) from
 * plain Kubernetes.
 */
export interface ClusterSnapshot {
  /** Cluster name from the Kubernetes plugin's config. */
  cluster: string;
  namespaces: Namespace[];
  /** Pods; only metadata, containers, initContainers, hostNetwork and phase are read. */
  pods: Pod[];
  /** Deployments, StatefulSets and DaemonSets, including istiod and istio-cni-node. */
  workloads: Workload[];
  services: Service[];
  mutatingWebhookConfigurations: MutatingWebhookConfiguration[];
  /** Istio's `istio-validator-*` and `istiod-default-validator`, when the cache reads them. */
  validatingWebhookConfigurations?: ValidatingWebhookConfiguration[];
  /**
   * Mesh config maps (`istio`, `istio-<revision>`) of control-plane
   * namespaces, and the Istio 1.x `istio-sidecar-injector` config maps.
   */
  configMaps?: ConfigMap[];
  serviceMeshControlPlanes?: ServiceMeshControlPlane[];
  /**
   * `maistra.io/v1` control planes (OSSM 1.x, `spec.istio`). On OSSM 2 the
   * same objects are also served as v2; those belong to the OSSM 2 adapter.
   */
  serviceMeshControlPlanesV1?: ServiceMeshControlPlane[];
  /** Maistra 0.x Installations (`istio.openshift.com/v1alpha1`). */
  installations?: MaistraInstallation[];
  serviceMeshMemberRolls?: ServiceMeshMemberRoll[];
  serviceMeshMembers?: ServiceMeshMember[];
  istios?: SailIstio[];
  istioRevisions?: SailIstioRevision[];
  istioRevisionTags?: SailIstioRevisionTag[];
  /** Sail `IstioCNI` resources. */
  istioCNIs?: KubeObject[];
  sidecars?: IstioSidecar[];
  /**
   * Not mirrored by the caches: only the ServiceEntry an action is about,
   * read from the cluster for its plan; undefined when none was read.
   */
  serviceEntries?: IstioServiceEntry[];
  networkAttachmentDefinitions?: KubeObject[];
  routes?: Route[];
  ingresses?: Ingress[];
}

/**
 * Several clusters' snapshots, keyed by cluster name.
 */
export interface MeshSnapshot {
  clusters: Record<string, ClusterSnapshot>;
}

/** An empty snapshot to start from in tests and for unreachable clusters. */
export function emptyClusterSnapshot(cluster: string): ClusterSnapshot {
  return {
    cluster,
    namespaces: [],
    pods: [],
    workloads: [],
    services: [],
    mutatingWebhookConfigurations: [],
  };
}

export function findNamespace(
  snapshot: ClusterSnapshot,
  name: string,
): Namespace | undefined {
  return snapshot.namespaces.find(ns => ns.metadata.name === name);
}

export function inNamespace<T extends KubeObject>(
  objects: T[] | undefined,
  namespace: string,
): T[] {
  if (objects && Object.isFrozen(objects)) {
    return [...(namespaceIndex(objects).get(namespace) ?? [])];
  }
  return (objects ?? []).filter(o => o.metadata.namespace === namespace);
}

/**
 * Objects by namespace, for lists that cannot change (frozen, as snapshots
 * from the cache are): an upgrade looks up many namespaces among 10,000 pods
 * on every look, and filtering the whole list each time dominated its CPU.
 */
const namespaceIndexes = new WeakMap<object, Map<string, KubeObject[]>>();

function namespaceIndex<T extends KubeObject>(
  objects: readonly T[],
): Map<string, T[]> {
  let index = namespaceIndexes.get(objects) as Map<string, T[]> | undefined;
  if (!index) {
    index = new Map();
    for (const object of objects) {
      const namespace = object.metadata.namespace ?? '';
      const list = index.get(namespace);
      if (list) list.push(object);
      else index.set(namespace, [object]);
    }
    namespaceIndexes.set(objects, index);
  }
  return index;
}

/** OpenShift is recognised by its Route API. */
export function isOpenShift(snapshot: ClusterSnapshot): boolean {
  return snapshot.routes !== undefined;
}
