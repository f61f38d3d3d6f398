import { ClusterApi } from '../apiserver/types';
import { combineStops, ensureNamespace } from '../controllers/common';
import { startInjectionController } from '../controllers/injection';
import { startOssm2Controller } from '../controllers/ossm2';
import { startWorkloadsController } from '../controllers/workloads';
import { startPodMetricsController } from '../controllers/podMetrics';
import {
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBERS,
  SERVICE_MESH_MEMBER_ROLLS,
  crdsOfGroups,
  installMeshCrds,
} from '../meshCrds';
import {
  AppDef,
  Scenario,
  applyDefaultSidecar,
  ScenarioOptions,
  deployApp,
  istiodReady,
  rolledOut,
} from './apps';
import { waitFor } from '../waitFor';

const INJECT = { 'sidecar.istio.io/inject': 'true' };

const bookinfoImage = (name: string, version: string) =>
  `docker.io/istio/examples-bookinfo-${name}-${version}:1.20.2`;

/** Bookinfo, opted in per workload (OSSM 2 injects only annotated pods). */
export const bookinfo: AppDef = {
  namespace: 'bookinfo',
  component: 'bookinfo',
  workloads: [
    {
      name: 'productpage-v1',
      app: 'productpage',
      version: 'v1',
      image: bookinfoImage('productpage', 'v1'),
      podAnnotations: INJECT,
    },
    {
      name: 'details-v1',
      app: 'details',
      version: 'v1',
      image: bookinfoImage('details', 'v1'),
      podAnnotations: INJECT,
    },
    ...['v1', 'v2', 'v3'].map(version => ({
      name: `reviews-${version}`,
      app: 'reviews',
      version,
      image: bookinfoImage('reviews', version),
      podAnnotations: INJECT,
    })),
    {
      name: 'ratings-v1',
      app: 'ratings',
      version: 'v1',
      image: bookinfoImage('ratings', 'v1'),
      podAnnotations: INJECT,
    },
  ],
  services: ['productpage', 'details', 'reviews', 'ratings'].map(app => ({
    name: app,
    app,
    port: 9080,
    portName: 'http-web',
  })),
};

const ossm2Apps: AppDef[] = [
  bookinfo,
  {
    // Joined through its own ServiceMeshMember (the self-service path).
    namespace: 'payments',
    component: 'payments-api',
    workloads: [
      {
        name: 'payments-api',
        app: 'payments-api',
        version: 'v1',
        replicas: 2,
        image: 'quay.io/mesh-demo/payments-api:1.4.0',
        containerPort: 8080,
        podAnnotations: INJECT,
      },
    ],
    services: [
      {
        name: 'payments-api',
        app: 'payments-api',
        port: 8080,
        portName: 'http-api',
      },
    ],
  },
  {
    // Listed in the member roll; its Service port is unnamed (protocol sniffing warning).
    namespace: 'orders',
    component: 'orders-service',
    workloads: [
      {
        name: 'orders',
        app: 'orders',
        version: 'v2',
        image: 'quay.io/mesh-demo/orders:2.1.0',
        containerPort: 8080,
        podAnnotations: INJECT,
      },
    ],
    services: [{ name: 'orders', app: 'orders', port: 8080, portName: null }],
  },
  {
    // Selected by the member roll's memberSelectors; no `version` label.
    namespace: 'inventory',
    namespaceLabels: { 'mesh.example.com/member': 'istio-system' },
    component: 'inventory-service',
    workloads: [
      {
        name: 'inventory',
        app: 'inventory',
        image: 'quay.io/mesh-demo/inventory:0.9.3',
        containerPort: 8080,
        podAnnotations: INJECT,
      },
    ],
    services: [
      { name: 'inventory', app: 'inventory', port: 8080, portName: 'grpc-api' },
    ],
  },
  {
    // Not enrolled: the inject annotation has no effect outside the mesh.
    namespace: 'legacy-billing',
    component: 'legacy-billing',
    workloads: [
      {
        name: 'billing',
        app: 'billing',
        version: 'v1',
        image: 'quay.io/mesh-demo/legacy-billing:3.2.7',
        containerPort: 8080,
        podAnnotations: INJECT,
      },
    ],
    services: [
      { name: 'billing', app: 'billing', port: 8080, portName: 'http-billing' },
    ],
  },
];

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  installMeshCrds(
    api,
    crdsOfGroups(
      'maistra.io',
      'networking.istio.io',
      'security.istio.io',
      'k8s.cni.cncf.io',
    ),
  );
  const stop = combineStops([
    startWorkloadsController(api, {
      readyDelayMs: options.readyDelayMs,
      faults: options.faults,
    }),
    startPodMetricsController(api),
    startInjectionController(api, { faults: options.faults }),
    startOssm2Controller(api),
  ]);
  ensureNamespace(api, 'istio-system');
  api.create(SERVICE_MESH_CONTROL_PLANES, {
    apiVersion: 'maistra.io/v2',
    kind: 'ServiceMeshControlPlane',
    metadata: { name: 'basic', namespace: 'istio-system' },
    spec: {
      version: 'v2.5',
      mode: 'MultiTenant',
      profiles: ['default'],
      tracing: { type: 'Jaeger', sampling: 10000 },
      policy: { type: 'Istiod' },
      telemetry: { type: 'Istiod' },
      security: { dataPlane: { mtls: true } },
      addons: {
        prometheus: { enabled: true },
        kiali: { enabled: true, name: 'kiali' },
        grafana: { enabled: true },
        jaeger: { name: 'jaeger', install: { storage: { type: 'Memory' } } },
      },
    },
  });
  api.create(SERVICE_MESH_MEMBER_ROLLS, {
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshMemberRoll',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: {
      // `shipping` does not exist yet: it stays a pending member.
      members: ['bookinfo', 'orders', 'shipping'],
      memberSelectors: [
        { matchLabels: { 'mesh.example.com/member': 'istio-system' } },
      ],
    },
  });
  await istiodReady(api, 'istio-system', 'basic');

  for (const app of ossm2Apps) {
    ensureNamespace(api, app.namespace, app.namespaceLabels);
  }
  api.create(SERVICE_MESH_MEMBERS, {
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshMember',
    metadata: { name: 'default', namespace: 'payments' },
    spec: { controlPlaneRef: { name: 'basic', namespace: 'istio-system' } },
  });
  // Membership must be in place before pods are created, or they start
  // without sidecars (as they would on a real cluster).
  await membersConfigured(api, ['bookinfo', 'orders', 'inventory', 'payments']);
  for (const app of ossm2Apps) deployApp(api, app);
  applyDefaultSidecar(api, 'bookinfo', 'istio-system');
  await rolledOut(
    api,
    ossm2Apps.map(app => app.namespace),
  );
  return stop;
}

async function membersConfigured(api: ClusterApi, namespaces: string[]) {
  await waitFor(
    () => {
      const roll = api.get(
        SERVICE_MESH_MEMBER_ROLLS,
        'istio-system',
        'default',
      );
      const configured =
        (roll?.status as { configuredMembers?: string[] })?.configuredMembers ??
        [];
      return namespaces.every(ns => configured.includes(ns));
    },
    { timeoutMs: 30_000, intervalMs: 10, what: 'member roll' },
  );
}

export const ossm2Scenario: Scenario = {
  description:
    'OpenShift Service Mesh 2.5: SMCP basic in istio-system, a member roll (members, selectors, a pending member), a ServiceMeshMember, bookinfo and apps in and out of the mesh, Kiali/Jaeger/Grafana Routes',
  components: [
    {
      component: 'bookinfo',
      namespace: 'bookinfo',
      note: 'member roll; pods opted in by annotation',
    },
    {
      component: 'payments-api',
      namespace: 'payments',
      note: 'ServiceMeshMember',
    },
    {
      component: 'orders-service',
      namespace: 'orders',
      note: 'member roll; unnamed Service port',
    },
    {
      component: 'inventory-service',
      namespace: 'inventory',
      note: 'memberSelectors; no version label',
    },
    {
      component: 'legacy-billing',
      namespace: 'legacy-billing',
      note: 'not in the mesh',
    },
  ],
  setup,
};
