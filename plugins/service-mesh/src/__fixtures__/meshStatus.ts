/*
 * Status fixtures shaped like the backend's answers for the demo clusters'
 * scenarios (OSSM 2 bookinfo, upstream Istio with revision tags).
 */
import type {
  ClusterMeshStatus,
  ControlPlaneInfo,
  EntityMeshStatus,
  MeshActionResponse,
  NamespaceMeshStatus,
  RestartResponse,
  SidecarEgressResponse,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';

const OSSM2_APPS = 'apps.demo.example.com';
export const KIALI_OSSM2 = `https://kiali-istio-system.${OSSM2_APPS}`;
export const JAEGER_OSSM2 = `https://jaeger-istio-system.${OSSM2_APPS}`;
export const GRAFANA_OSSM2 = `https://grafana-istio-system.${OSSM2_APPS}`;
export const KIALI_ISTIO = 'https://kiali.istio-system.demo.example.com';
export const JAEGER_ISTIO = 'https://tracing.istio-system.demo.example.com';

export const ossm2ControlPlane: ControlPlaneInfo = {
  flavour: 'ossm2',
  namespace: 'istio-system',
  name: 'basic',
  revisions: [
    {
      name: 'basic',
      version: '2.5.2',
      ready: true,
      injectorReady: true,
      isDefault: true,
    },
  ],
  tags: [],
};

export const istioControlPlane: ControlPlaneInfo = {
  flavour: 'istio',
  namespace: 'istio-system',
  revisions: [
    {
      name: '1-23-1',
      version: '1.23.1',
      ready: true,
      injectorReady: true,
      isDefault: true,
    },
    { name: '1-24-3', version: '1.24.3', ready: true, injectorReady: true },
  ],
  tags: [
    { name: 'default', revision: '1-23-1' },
    { name: 'prod-stable', revision: '1-23-1' },
    { name: 'prod-canary', revision: '1-24-3' },
  ],
};

function ossm2Workload(
  name: string,
  app: string,
  version: string,
  opts: { pods?: number; withSidecar?: number } = {},
): WorkloadMeshStatus {
  const pods = opts.pods ?? 1;
  const withSidecar = opts.withSidecar ?? pods;
  return {
    kind: 'Deployment',
    name,
    app,
    version,
    pods,
    podsWithSidecar: withSidecar,
    podsWithoutSidecar: pods - withSidecar,
    proxies: withSidecar
      ? [{ revision: 'basic', version: '2.5.2', pods: withSidecar }]
      : [],
    optedOut: false,
    injectAnnotation: 'true',
    expectedRevision: 'basic',
    restartNeeded: withSidecar !== pods,
    links: {
      kiali: `${KIALI_OSSM2}/console/namespaces/bookinfo/workloads/${name}`,
      jaeger: `${JAEGER_OSSM2}/search?service=${app}.bookinfo&lookback=1h`,
      grafana: `${GRAFANA_OSSM2}/d/UbsSZTDik/istio-workload-dashboard?var-namespace=bookinfo&var-workload=${name}`,
    },
  };
}

export function bookinfoNamespace(): NamespaceMeshStatus {
  return {
    name: 'bookinfo',
    controlPlane: ossm2ControlPlane,
    membership: { member: true, via: 'memberRoll' },
    injection: {
      mode: 'unset',
      effectiveRevision: 'basic',
      perWorkload: true,
    },
    workloads: [
      ossm2Workload('details-v1', 'details', 'v1'),
      ossm2Workload('productpage-v1', 'productpage', 'v1'),
      ossm2Workload('ratings-v1', 'ratings', 'v1'),
      ossm2Workload('reviews-v1', 'reviews', 'v1'),
      ossm2Workload('reviews-v2', 'reviews', 'v2'),
      ossm2Workload('reviews-v3', 'reviews', 'v3'),
    ],
    sidecars: [{ name: 'default', egressHosts: ['./*', 'istio-system/*'] }],
    visibleServices: { all: 1243, withSidecarEgress: 37 },
    warnings: [],
    links: {
      kiali: `${KIALI_OSSM2}/console/graph/namespaces/?namespaces=bookinfo&graphType=versionedApp`,
      jaeger: `${JAEGER_OSSM2}/search`,
      grafana: `${GRAFANA_OSSM2}/dashboards?query=Istio`,
    },
  };
}

function cluster(
  name: string,
  namespaces: NamespaceMeshStatus[],
  controlPlanes: ControlPlaneInfo[],
  now: Date,
): ClusterMeshStatus {
  return {
    name,
    reachable: true,
    synced: true,
    dataAsOf: now.toISOString(),
    controlPlanes,
    namespaces,
  };
}

/** bookinfo on OSSM 2: a member-roll namespace, every workload injected. */
export function bookinfoInMesh(now = new Date()): EntityMeshStatus {
  return {
    entityRef: 'component:default/bookinfo',
    clusters: [
      cluster('demo-ossm2', [bookinfoNamespace()], [ossm2ControlPlane], now),
    ],
  };
}

/** legacy-billing on OSSM 2: not in the member roll, no sidecars. */
export function legacyBillingNotInMesh(now = new Date()): EntityMeshStatus {
  const billing = ossm2Workload('billing', 'billing', 'v1', {
    withSidecar: 0,
  });
  return {
    entityRef: 'component:default/legacy-billing',
    clusters: [
      cluster(
        'demo-ossm2',
        [
          {
            name: 'legacy-billing',
            controlPlane: ossm2ControlPlane,
            membership: { member: false },
            injection: { mode: 'unset', perWorkload: true },
            workloads: [
              {
                ...billing,
                expectedRevision: undefined,
                restartNeeded: false,
                links: {
                  ...billing.links,
                  kiali: `${KIALI_OSSM2}/console/namespaces/legacy-billing/workloads/billing`,
                  jaeger: `${JAEGER_OSSM2}/search?service=billing.legacy-billing&lookback=1h`,
                },
              },
            ],
            sidecars: [],
            visibleServices: { all: 1243 },
            warnings: [
              {
                code: 'IST0102',
                severity: 'info',
                namespace: 'legacy-billing',
                message:
                  'The namespace is not a member of control plane istio-system, so its workloads are outside the mesh.',
                fix: {
                  action: 'enroll',
                  title: 'Enroll in mesh',
                  request: {
                    cluster: 'demo-ossm2',
                    namespace: 'legacy-billing',
                  },
                },
              },
            ],
            links: {
              kiali: `${KIALI_OSSM2}/console/graph/namespaces/?namespaces=legacy-billing&graphType=versionedApp`,
              jaeger: `${JAEGER_OSSM2}/search`,
              grafana: `${GRAFANA_OSSM2}/dashboards?query=Istio`,
            },
          },
        ],
        [ossm2ControlPlane],
        now,
      ),
    ],
  };
}

function istioWorkload(
  namespace: string,
  name: string,
  opts: {
    pods: number;
    proxyRevision?: string;
    proxyVersion?: string;
    expectedRevision: string;
    optedOut?: boolean;
  },
): WorkloadMeshStatus {
  const { pods, proxyRevision, optedOut = false } = opts;
  const withSidecar = proxyRevision ? pods : 0;
  return {
    kind: 'Deployment',
    name,
    app: name,
    version: 'v1',
    pods,
    podsWithSidecar: withSidecar,
    podsWithoutSidecar: pods - withSidecar,
    proxies: proxyRevision
      ? [{ revision: proxyRevision, version: opts.proxyVersion, pods }]
      : [],
    optedOut,
    injectAnnotation: optedOut ? 'false' : undefined,
    expectedRevision: optedOut ? undefined : opts.expectedRevision,
    restartNeeded: !optedOut && proxyRevision !== opts.expectedRevision,
    links: {
      kiali: `${KIALI_ISTIO}/kiali/console/namespaces/${namespace}/workloads/${name}`,
      jaeger: `${JAEGER_ISTIO}/jaeger/search?service=${name}.${namespace}&lookback=1h`,
    },
  };
}

/**
 * search on upstream Istio: the namespace was moved to prod-canary but its
 * pods still run 1-23-1 proxies, and it carries both injection labels.
 */
export function searchWithWarnings(now = new Date()): EntityMeshStatus {
  const base = { cluster: 'demo-istio-revisions', namespace: 'search' };
  return {
    entityRef: 'component:default/search-service',
    clusters: [
      cluster(
        'demo-istio-revisions',
        [
          {
            name: 'search',
            controlPlane: istioControlPlane,
            membership: { member: true, via: 'labels' },
            injection: {
              mode: 'enabled',
              revisionLabel: 'prod-canary',
              effectiveRevision: '1-23-1',
              effectiveTag: 'default',
              perWorkload: false,
            },
            workloads: [
              istioWorkload('search', 'search-api', {
                pods: 2,
                proxyRevision: '1-23-1',
                proxyVersion: '1.23.1',
                expectedRevision: '1-23-1',
              }),
              istioWorkload('search', 'search-indexer', {
                pods: 1,
                proxyRevision: '1-22-0',
                proxyVersion: '1.22.0',
                expectedRevision: '1-23-1',
              }),
              istioWorkload('search', 'search-batch', {
                pods: 1,
                expectedRevision: '1-23-1',
                optedOut: true,
              }),
            ],
            sidecars: [],
            visibleServices: { all: 1243 },
            warnings: [
              {
                code: 'IST0123',
                severity: 'warning',
                namespace: 'search',
                message:
                  'The namespace has both istio-injection=enabled and istio.io/rev=prod-canary. istio-injection wins, so the revision label is ignored.',
                fix: {
                  action: 'switchRevision',
                  title: 'Use revision prod-canary only',
                  request: { ...base, revision: 'prod-canary' },
                },
              },
              {
                code: 'SM-OLD-REVISION',
                severity: 'warning',
                namespace: 'search',
                workload: { kind: 'Deployment', name: 'search-indexer' },
                message:
                  '1 pod of search-indexer run proxies from 1-22-0, but the namespace now uses 1-23-1; they move on restart.',
                fix: {
                  action: 'restart',
                  title: 'Restart search-indexer',
                  request: {
                    ...base,
                    workloads: [{ kind: 'Deployment', name: 'search-indexer' }],
                  },
                },
              },
              {
                code: 'IST0118',
                severity: 'info',
                namespace: 'search',
                message:
                  'Service search-api has ports (8080) whose name does not start with a protocol (http-, grpc-, tcp-...) and no appProtocol; Istio treats them as plain TCP.',
              },
            ],
            links: {
              kiali: `${KIALI_ISTIO}/kiali/console/graph/namespaces/?namespaces=search&graphType=versionedApp`,
              jaeger: `${JAEGER_ISTIO}/jaeger/search`,
            },
          },
        ],
        [istioControlPlane],
        now,
      ),
    ],
  };
}

/**
 * checkout on upstream Istio, moved to the canary revision: every pod still
 * runs the old proxy (drift) and needs a restart.
 */
export function checkoutDrift(now = new Date()): EntityMeshStatus {
  const base = { cluster: 'demo-istio-revisions', namespace: 'checkout' };
  const workloads = ['checkout', 'payments-gateway'].map(name =>
    istioWorkload('checkout', name, {
      pods: 2,
      proxyRevision: '1-23-1',
      proxyVersion: '1.23.1',
      expectedRevision: '1-24-3',
    }),
  );
  return {
    entityRef: 'component:default/checkout',
    clusters: [
      cluster(
        'demo-istio-revisions',
        [
          {
            name: 'checkout',
            controlPlane: istioControlPlane,
            membership: { member: true, via: 'labels' },
            injection: {
              mode: 'unset',
              revisionLabel: '1-24-3',
              effectiveRevision: '1-24-3',
              perWorkload: false,
            },
            workloads,
            sidecars: [],
            visibleServices: { all: 1243 },
            warnings: workloads.map(w => ({
              code: 'SM-OLD-REVISION',
              severity: 'warning' as const,
              namespace: 'checkout',
              workload: { kind: w.kind, name: w.name },
              message: `2 pods of ${w.name} run proxies from 1-23-1, but the namespace now uses 1-24-3; they move on restart.`,
              fix: {
                action: 'restart' as const,
                title: `Restart ${w.name}`,
                request: {
                  ...base,
                  workloads: [{ kind: 'Deployment' as const, name: w.name }],
                },
              },
            })),
            links: {
              kiali: `${KIALI_ISTIO}/kiali/console/graph/namespaces/?namespaces=checkout&graphType=versionedApp`,
              jaeger: `${JAEGER_ISTIO}/jaeger/search`,
            },
          },
        ],
        [istioControlPlane],
        now,
      ),
    ],
  };
}

/** bookinfo seen from two clusters, one of which cannot be reached. */
export function bookinfoWithUnreachableCluster(
  now = new Date(),
): EntityMeshStatus {
  const status = bookinfoInMesh(now);
  status.clusters.push({
    name: 'demo-ossm2-dr',
    reachable: false,
    synced: false,
    error: 'connect ECONNREFUSED 10.0.12.5:6443',
    controlPlanes: [],
    namespaces: [],
  });
  return status;
}

/** Plans the backend answers with, per action. */
export const enrollPlan: MeshActionResponse = {
  dryRun: true,
  applied: false,
  change: {
    operations: [
      {
        verb: 'patch',
        apiVersion: 'maistra.io/v1',
        kind: 'ServiceMeshMemberRoll',
        namespace: 'istio-system',
        name: 'default',
        patch: [
          { op: 'test', path: '/metadata/resourceVersion', value: '4711' },
          { op: 'add', path: '/spec/members/-', value: 'legacy-billing' },
        ],
        summary:
          'Add legacy-billing to ServiceMeshMemberRoll istio-system/default',
        changes: [
          { path: ['spec', 'members'], after: 'legacy-billing', item: true },
        ],
        // As the backend answers: other teams' members are counted, not named.
        otherNamespaces: 3,
        resultYaml: [
          'apiVersion: maistra.io/v1',
          'kind: ServiceMeshMemberRoll',
          'metadata:',
          '  name: default',
          '  namespace: istio-system',
          'spec:',
          '  members:',
          '    - legacy-billing',
          '    # and 3 other namespaces, not shown',
          '',
        ].join('\n'),
      },
    ],
  },
  summary:
    'Add legacy-billing to members (ServiceMeshMemberRoll default in istio-system)',
};

export const restartPlan: RestartResponse = {
  dryRun: true,
  applied: false,
  change: {
    operations: [
      {
        verb: 'patch',
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'search',
        name: 'search-indexer',
        patch: [
          {
            op: 'add',
            path: '/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt',
            value: '2025-05-06T10:00:00.000Z',
          },
        ],
        summary: 'Restart Deployment search/search-indexer (rollout restart)',
        resultYaml: [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: search-indexer',
          '  namespace: search',
          'spec:',
          '  template:',
          '    metadata:',
          '      annotations:',
          '        kubectl.kubernetes.io/restartedAt: "2025-05-06T10:00:00.000Z"',
          '',
        ].join('\n'),
      },
    ],
  },
  podsToReplace: [
    {
      name: 'search-indexer-7c9f8d6b5-x2lkq',
      workload: { kind: 'Deployment', name: 'search-indexer' },
    },
  ],
};

export const switchRevisionPlan: MeshActionResponse = {
  dryRun: true,
  applied: false,
  change: {
    operations: [
      {
        verb: 'patch',
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'search',
        patch: [
          { op: 'remove', path: '/metadata/labels/istio-injection' },
          {
            op: 'replace',
            path: '/metadata/labels/istio.io~1rev',
            value: 'prod-canary',
          },
        ],
        summary:
          'Namespace search: remove istio-injection; change istio.io/rev from prod-stable to prod-canary; pods move to prod-canary when restarted',
        changes: [
          {
            path: ['metadata', 'labels', 'istio-injection'],
            before: 'enabled',
          },
          {
            path: ['metadata', 'labels', 'istio.io/rev'],
            before: 'prod-stable',
            after: 'prod-canary',
          },
        ],
        resultYaml: [
          'apiVersion: v1',
          'kind: Namespace',
          'metadata:',
          '  name: search',
          '  labels:',
          '    istio.io/rev: prod-canary',
          '',
        ].join('\n'),
      },
    ],
  },
  summary:
    'Remove istio-injection; change istio.io/rev from prod-stable to prod-canary (namespace search)',
};

export const sidecarEgressPlan: SidecarEgressResponse = {
  dryRun: true,
  applied: false,
  change: {
    operations: [
      {
        verb: 'create',
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        namespace: 'legacy-billing',
        name: 'default',
        summary: 'Create Sidecar legacy-billing/default with 3 egress hosts',
        resultYaml: [
          'apiVersion: networking.istio.io/v1',
          'kind: Sidecar',
          'metadata:',
          '  name: default',
          '  namespace: legacy-billing',
          'spec:',
          '  egress:',
          '    - hosts:',
          '        - ./*',
          '        - istio-system/*',
          '        - payments/*',
          '',
        ].join('\n'),
      },
    ],
  },
  visibleServices: {
    before: 1243,
    after: 37,
    disappearing: ['bookinfo/details', 'bookinfo/reviews', 'orders/orders'],
    appearing: [],
  },
  summary: 'Create Sidecar default in legacy-billing',
};

/** A forceable guard-rail refusal, as the backend's error body. */
export const injectorNotReadyConflict = {
  error: {
    name: 'ConflictError',
    message:
      "The injector of revision '1-24-3' is not ready: new pods in the namespace would fail to start until it is [SM-GUARD-INJECTOR-NOT-READY]; retry with force to override",
  },
  request: { method: 'POST', url: '/api/service-mesh/...' },
  response: { statusCode: 409 },
};
