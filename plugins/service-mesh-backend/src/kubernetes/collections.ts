/**
 * The collections the service-mesh backend mirrors from each cluster. Mesh
 * kinds are only watched where discovery shows their API group is served.
 */
export interface CollectionSpec {
  /** The key the cache and snapshot use. */
  key: CollectionKey;
  group: string; // '' for core
  version: string;
  kind: string;
  plural: string;
  /** Only objects with these labels are mirrored. */
  labelSelector?: string;
  /** Optional: only watched when the cluster serves the group. */
  optional?: boolean;
}

export type CollectionKey =
  | 'namespaces'
  | 'pods'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets'
  | 'services'
  | 'configMaps'
  | 'mutatingWebhookConfigurations'
  | 'validatingWebhookConfigurations'
  | 'routes'
  | 'ingresses'
  | 'serviceMeshControlPlanes'
  | 'serviceMeshControlPlanesV1'
  | 'installations'
  | 'serviceMeshMemberRolls'
  | 'serviceMeshMembers'
  | 'istios'
  | 'istioRevisions'
  | 'istioRevisionTags'
  | 'sidecars'
  | 'networkAttachmentDefinitions';

export const collections: CollectionSpec[] = [
  {
    key: 'namespaces',
    kind: 'Namespace',
    group: '',
    version: 'v1',
    plural: 'namespaces',
  },
  { key: 'pods', kind: 'Pod', group: '', version: 'v1', plural: 'pods' },
  {
    key: 'services',
    kind: 'Service',
    group: '',
    version: 'v1',
    plural: 'services',
  },
  {
    key: 'deployments',
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
  },
  {
    key: 'statefulsets',
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
  },
  {
    key: 'daemonsets',
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
  },
  {
    key: 'mutatingWebhookConfigurations',
    kind: 'MutatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'mutatingwebhookconfigurations',
  },
  {
    // The Istio 1.x injector's policy and selectors; only that config map,
    // since config maps are many and large.
    key: 'configMaps',
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    plural: 'configmaps',
    labelSelector: 'istio=sidecar-injector',
  },
  {
    // Only the upgrade precheck reads them: the default validator must not
    // point at a revision the upgrade removes.
    key: 'validatingWebhookConfigurations',
    kind: 'ValidatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
  },
  {
    key: 'routes',
    kind: 'Route',
    group: 'route.openshift.io',
    version: 'v1',
    plural: 'routes',
    optional: true,
  },
  {
    key: 'ingresses',
    kind: 'Ingress',
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    optional: true,
  },
  {
    key: 'serviceMeshControlPlanes',
    kind: 'ServiceMeshControlPlane',
    group: 'maistra.io',
    version: 'v2',
    plural: 'servicemeshcontrolplanes',
    optional: true,
  },
  {
    // OSSM 1.x serves only v1; on OSSM 2 the v2 list wins (see the ossm1 adapter).
    key: 'serviceMeshControlPlanesV1',
    kind: 'ServiceMeshControlPlane',
    group: 'maistra.io',
    version: 'v1',
    plural: 'servicemeshcontrolplanes',
    optional: true,
  },
  {
    key: 'installations',
    kind: 'Installation',
    group: 'istio.openshift.com',
    version: 'v1alpha1',
    plural: 'installations',
    optional: true,
  },
  {
    key: 'serviceMeshMemberRolls',
    kind: 'ServiceMeshMemberRoll',
    group: 'maistra.io',
    version: 'v1',
    plural: 'servicemeshmemberrolls',
    optional: true,
  },
  {
    key: 'serviceMeshMembers',
    kind: 'ServiceMeshMember',
    group: 'maistra.io',
    version: 'v1',
    plural: 'servicemeshmembers',
    optional: true,
  },
  {
    key: 'istios',
    kind: 'Istio',
    group: 'sailoperator.io',
    version: 'v1',
    plural: 'istios',
    optional: true,
  },
  {
    key: 'istioRevisions',
    kind: 'IstioRevision',
    group: 'sailoperator.io',
    version: 'v1',
    plural: 'istiorevisions',
    optional: true,
  },
  {
    key: 'istioRevisionTags',
    kind: 'IstioRevisionTag',
    group: 'sailoperator.io',
    version: 'v1',
    plural: 'istiorevisiontags',
    optional: true,
  },
  {
    key: 'sidecars',
    kind: 'Sidecar',
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'sidecars',
    optional: true,
  },
  {
    key: 'networkAttachmentDefinitions',
    kind: 'NetworkAttachmentDefinition',
    group: 'k8s.cni.cncf.io',
    version: 'v1',
    plural: 'network-attachment-definitions',
    optional: true,
  },
];

export function collectionPath(spec: CollectionSpec): string {
  return spec.group
    ? `/apis/${spec.group}/${spec.version}/${spec.plural}`
    : `/api/${spec.version}/${spec.plural}`;
}
