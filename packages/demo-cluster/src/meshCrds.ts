import { ClusterApi, KubeObject, ResourceRef } from './apiserver/types';

/** Group/plural of the mesh kinds, for controllers and scenarios. */
export const SERVICE_MESH_CONTROL_PLANES: ResourceRef = {
  group: 'maistra.io',
  plural: 'servicemeshcontrolplanes',
};
export const SERVICE_MESH_MEMBER_ROLLS: ResourceRef = {
  group: 'maistra.io',
  plural: 'servicemeshmemberrolls',
};
export const SERVICE_MESH_MEMBERS: ResourceRef = {
  group: 'maistra.io',
  plural: 'servicemeshmembers',
};
export const ISTIOS: ResourceRef = {
  group: 'sailoperator.io',
  plural: 'istios',
};
export const ISTIO_REVISIONS: ResourceRef = {
  group: 'sailoperator.io',
  plural: 'istiorevisions',
};
export const ISTIO_REVISION_TAGS: ResourceRef = {
  group: 'sailoperator.io',
  plural: 'istiorevisiontags',
};
export const ISTIO_CNIS: ResourceRef = {
  group: 'sailoperator.io',
  plural: 'istiocnis',
};
export const SIDECARS: ResourceRef = {
  group: 'networking.istio.io',
  plural: 'sidecars',
};
export const INSTALLATIONS: ResourceRef = {
  group: 'istio.openshift.com',
  plural: 'installations',
};
export const NETWORK_ATTACHMENT_DEFINITIONS: ResourceRef = {
  group: 'k8s.cni.cncf.io',
  plural: 'network-attachment-definitions',
};

interface PrinterColumn {
  name: string;
  type: 'string' | 'date' | 'integer';
  jsonPath: string;
  description?: string;
  priority?: number;
}

interface MeshKind {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  scope: 'Namespaced' | 'Cluster';
  /** Served versions; the first is the storage version. */
  versions: string[];
  /** Printer columns, per version when they differ. */
  columns?: PrinterColumn[] | Record<string, PrinterColumn[]>;
  /** A schema of our own where no upstream one is kept (see `installationSchema`). */
  schema?: object;
}

const age: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

const readyCondition = (name = 'Ready'): PrinterColumn => ({
  name,
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
});

const istioNetworkingVersions = ['v1', 'v1beta1', 'v1alpha3'];
const istioSecurityVersions = ['v1', 'v1beta1'];

const preserved = (properties: Record<string, object>) => ({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties,
});

/**
 * Maistra 0.x's `Installation` (istio.openshift.com/v1alpha1). Its operator
 * shipped the CRD without a schema, and we keep no copy of it: this one is
 * declared from the fields its documentation shows, and keeps unknown
 * fields.
 */
const installationSchema = {
  openAPIV3Schema: preserved({
    spec: preserved({
      deployment_type: { type: 'string', enum: ['openshift', 'origin'] },
      istio: preserved({
        authentication: { type: 'boolean' },
        community: { type: 'boolean' },
        prefix: { type: 'string' },
        version: { type: 'string' },
      }),
      jaeger: preserved({
        prefix: { type: 'string' },
        version: { type: 'string' },
        elasticsearch_memory: { type: 'string' },
      }),
      kiali: preserved({
        username: { type: 'string' },
        password: { type: 'string' },
        prefix: { type: 'string' },
        version: { type: 'string' },
      }),
      launcher: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      },
    }),
    status: preserved({
      state: { type: 'string' },
      spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    }),
  }),
};

const meshKinds: MeshKind[] = [
  {
    group: 'maistra.io',
    kind: 'ServiceMeshControlPlane',
    plural: 'servicemeshcontrolplanes',
    shortNames: ['smcp'],
    categories: ['maistra-io'],
    scope: 'Namespaced',
    versions: ['v2', 'v1'],
    columns: {
      v2: [
        {
          name: 'Ready',
          type: 'string',
          jsonPath: '.status.annotations.readyComponentCount',
        },
        {
          name: 'Status',
          type: 'string',
          jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
        },
        {
          name: 'Profiles',
          type: 'string',
          jsonPath: '.status.appliedSpec.profiles',
        },
        { name: 'Version', type: 'string', jsonPath: '.status.chartVersion' },
        age,
      ],
      v1: [
        {
          name: 'Ready',
          type: 'string',
          jsonPath: '.status.annotations.readyComponentCount',
        },
        {
          name: 'Status',
          type: 'string',
          jsonPath: '.status.conditions[?(@.type=="Reconciled")].reason',
        },
        age,
      ],
    },
  },
  {
    group: 'maistra.io',
    kind: 'ServiceMeshMemberRoll',
    plural: 'servicemeshmemberrolls',
    shortNames: ['smmr'],
    categories: ['maistra-io'],
    scope: 'Namespaced',
    versions: ['v1'],
    columns: [
      {
        name: 'Ready',
        type: 'string',
        jsonPath: '.status.annotations.configuredMemberCount',
      },
      {
        name: 'Status',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
      },
      age,
      {
        name: 'Members',
        type: 'string',
        jsonPath: '.status.members',
        priority: 1,
      },
    ],
  },
  {
    group: 'maistra.io',
    kind: 'ServiceMeshMember',
    plural: 'servicemeshmembers',
    shortNames: ['smm'],
    categories: ['maistra-io'],
    scope: 'Namespaced',
    versions: ['v1'],
    columns: [
      {
        name: 'Control Plane',
        type: 'string',
        jsonPath: '.status.annotations.controlPlaneRef',
      },
      readyCondition(),
      age,
    ],
  },
  {
    group: 'sailoperator.io',
    kind: 'Istio',
    plural: 'istios',
    categories: ['istio-io'],
    scope: 'Cluster',
    versions: ['v1'],
    columns: [
      { name: 'Namespace', type: 'string', jsonPath: '.spec.namespace' },
      {
        name: 'Revisions',
        type: 'string',
        jsonPath: '.status.revisions.total',
      },
      { name: 'Ready', type: 'string', jsonPath: '.status.revisions.ready' },
      { name: 'In use', type: 'string', jsonPath: '.status.revisions.inUse' },
      {
        name: 'Active Revision',
        type: 'string',
        jsonPath: '.status.activeRevisionName',
      },
      { name: 'Status', type: 'string', jsonPath: '.status.state' },
      { name: 'Version', type: 'string', jsonPath: '.spec.version' },
      age,
    ],
  },
  {
    group: 'sailoperator.io',
    kind: 'IstioRevision',
    plural: 'istiorevisions',
    shortNames: ['istiorev'],
    categories: ['istio-io'],
    scope: 'Cluster',
    versions: ['v1'],
    columns: [
      { name: 'Namespace', type: 'string', jsonPath: '.spec.namespace' },
      readyCondition(),
      { name: 'Status', type: 'string', jsonPath: '.status.state' },
      {
        name: 'In use',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="InUse")].status',
      },
      { name: 'Version', type: 'string', jsonPath: '.spec.version' },
      age,
    ],
  },
  {
    group: 'sailoperator.io',
    kind: 'IstioRevisionTag',
    plural: 'istiorevisiontags',
    shortNames: ['istiorevtag'],
    categories: ['istio-io'],
    scope: 'Cluster',
    versions: ['v1'],
    columns: [
      { name: 'Status', type: 'string', jsonPath: '.status.state' },
      {
        name: 'In use',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="InUse")].status',
      },
      { name: 'Revision', type: 'string', jsonPath: '.status.istioRevision' },
      age,
    ],
  },
  {
    group: 'sailoperator.io',
    kind: 'IstioCNI',
    plural: 'istiocnis',
    categories: ['istio-io'],
    scope: 'Cluster',
    versions: ['v1'],
    columns: [
      { name: 'Namespace', type: 'string', jsonPath: '.spec.namespace' },
      readyCondition(),
      { name: 'Status', type: 'string', jsonPath: '.status.state' },
      { name: 'Version', type: 'string', jsonPath: '.spec.version' },
      age,
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'Sidecar',
    plural: 'sidecars',
    categories: ['istio-io', 'networking-istio-io'],
    scope: 'Namespaced',
    versions: istioNetworkingVersions,
  },
  {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    plural: 'virtualservices',
    shortNames: ['vs'],
    categories: ['istio-io', 'networking-istio-io'],
    scope: 'Namespaced',
    versions: istioNetworkingVersions,
    columns: [
      { name: 'Gateways', type: 'string', jsonPath: '.spec.gateways' },
      { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts' },
      age,
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    plural: 'destinationrules',
    shortNames: ['dr'],
    categories: ['istio-io', 'networking-istio-io'],
    scope: 'Namespaced',
    versions: istioNetworkingVersions,
    columns: [{ name: 'Host', type: 'string', jsonPath: '.spec.host' }, age],
  },
  {
    group: 'networking.istio.io',
    kind: 'Gateway',
    plural: 'gateways',
    shortNames: ['gw'],
    categories: ['istio-io', 'networking-istio-io'],
    scope: 'Namespaced',
    versions: istioNetworkingVersions,
  },
  {
    group: 'networking.istio.io',
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    shortNames: ['se'],
    categories: ['istio-io', 'networking-istio-io'],
    scope: 'Namespaced',
    versions: istioNetworkingVersions,
    columns: [
      { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts' },
      { name: 'Location', type: 'string', jsonPath: '.spec.location' },
      { name: 'Resolution', type: 'string', jsonPath: '.spec.resolution' },
      age,
    ],
  },
  {
    group: 'security.istio.io',
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    shortNames: ['pa'],
    categories: ['istio-io', 'security-istio-io'],
    scope: 'Namespaced',
    versions: istioSecurityVersions,
    columns: [
      { name: 'Mode', type: 'string', jsonPath: '.spec.mtls.mode' },
      age,
    ],
  },
  {
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    shortNames: ['ap'],
    categories: ['istio-io', 'security-istio-io'],
    scope: 'Namespaced',
    versions: istioSecurityVersions,
    columns: [
      { name: 'Action', type: 'string', jsonPath: '.spec.action' },
      age,
    ],
  },
  {
    group: 'istio.openshift.com',
    kind: 'Installation',
    plural: 'installations',
    scope: 'Namespaced',
    versions: ['v1alpha1'],
    schema: installationSchema,
  },
  {
    group: 'k8s.cni.cncf.io',
    kind: 'NetworkAttachmentDefinition',
    plural: 'network-attachment-definitions',
    shortNames: ['net-attach-def'],
    scope: 'Namespaced',
    versions: ['v1'],
  },
];

// The demo cluster does not validate mesh objects itself; the tests check
// them against the upstream schemas instead.
const openSchema = {
  openAPIV3Schema: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
};

function crdOf(kind: MeshKind): KubeObject {
  const columnsFor = (version: string) =>
    Array.isArray(kind.columns) ? kind.columns : kind.columns?.[version];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.plural}.${kind.group}`,
      labels: { 'app.kubernetes.io/part-of': 'mesh-backstage-demo-cluster' },
    },
    spec: {
      group: kind.group,
      scope: kind.scope,
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.kind.toLowerCase(),
        ...(kind.shortNames ? { shortNames: kind.shortNames } : {}),
        ...(kind.categories ? { categories: kind.categories } : {}),
      },
      versions: kind.versions.map((version, index) => ({
        name: version,
        served: true,
        storage: index === 0,
        schema: kind.schema ?? openSchema,
        subresources: { status: {} },
        ...(columnsFor(version)
          ? { additionalPrinterColumns: columnsFor(version) }
          : {}),
      })),
    },
  };
}

/** The CustomResourceDefinitions of every mesh kind the demo cluster serves. */
export const meshCrds: KubeObject[] = meshKinds.map(crdOf);

const CRDS: ResourceRef = {
  group: 'apiextensions.k8s.io',
  plural: 'customresourcedefinitions',
};

/** Installs the mesh CRDs (idempotent); the API server serves them at once. */
export function installMeshCrds(
  api: ClusterApi,
  kinds: (crd: KubeObject) => boolean = () => true,
): void {
  for (const crd of meshCrds.filter(kinds)) {
    if (!api.get(CRDS, undefined, crd.metadata.name!)) {
      api.create(CRDS, crd);
    }
  }
}

/**
 * OSSM 1.x's maistra.io CRDs: the ServiceMeshControlPlane served as `v1`
 * only (v2 came with OSSM 2.0), the member roll and member as in OSSM 2.
 */
export function installOssm1Crds(api: ClusterApi): void {
  for (const kind of meshKinds.filter(k => k.group === 'maistra.io')) {
    const crd = crdOf(
      kind.kind === 'ServiceMeshControlPlane'
        ? { ...kind, versions: ['v1'] }
        : kind,
    );
    if (!api.get(CRDS, undefined, crd.metadata.name!)) {
      api.create(CRDS, crd);
    }
  }
}

/** CRD filter by API group, for scenarios that install only one flavour. */
export function crdsOfGroups(...groups: string[]) {
  return (crd: KubeObject) =>
    groups.includes((crd.spec as { group: string }).group);
}
