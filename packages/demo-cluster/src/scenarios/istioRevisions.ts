import { ClusterApi } from '../apiserver/types';
import { combineStops, ensureNamespace } from '../controllers/common';
import { startInjectionController } from '../controllers/injection';
import {
  ControlPlaneRevision,
  RevisionTag,
  startIstiodController,
} from '../controllers/istiod';
import { applyObservabilityAddons } from '../controllers/observability';
import { startWorkloadsController } from '../controllers/workloads';
import { startPodMetricsController } from '../controllers/podMetrics';
import { crdsOfGroups, installMeshCrds } from '../meshCrds';
import {
  AppDef,
  Scenario,
  ScenarioOptions,
  deployApp,
  istiodReady,
  rolledOut,
} from './apps';

/** The revisions installed side by side, the older first. */
export const upstreamRevisions: ControlPlaneRevision[] = [
  { namespace: 'istio-system', revision: '1-23-1', version: '1.23.1' },
  { namespace: 'istio-system', revision: '1-24-3', version: '1.24.3' },
];

/** `default` and `prod-stable` on the older revision, `prod-canary` on the newer. */
export const upstreamTags: RevisionTag[] = [
  { tag: 'default', revision: '1-23-1', namespace: 'istio-system' },
  { tag: 'prod-stable', revision: '1-23-1', namespace: 'istio-system' },
  { tag: 'prod-canary', revision: '1-24-3', namespace: 'istio-system' },
];

const app = (
  namespace: string,
  component: string,
  namespaceLabels: Record<string, string>,
  image: string,
  version = 'v1',
): AppDef => ({
  namespace,
  namespaceLabels,
  component,
  workloads: [
    {
      name: component,
      app: component,
      version,
      replicas: 2,
      image,
      containerPort: 8080,
    },
  ],
  services: [
    { name: component, app: component, port: 8080, portName: 'http-api' },
  ],
});

const istioApps: AppDef[] = [
  app(
    'catalog',
    'catalog-service',
    { 'istio.io/rev': 'prod-stable' },
    'quay.io/mesh-demo/catalog:5.0.1',
  ),
  app(
    'checkout',
    'checkout-service',
    { 'istio.io/rev': '1-24-3' },
    'quay.io/mesh-demo/checkout:3.3.0',
    'v3',
  ),
  // Both labels: istio-injection wins (IST0123), so prod-canary is ignored.
  app(
    'search',
    'search-service',
    { 'istio-injection': 'enabled', 'istio.io/rev': 'prod-canary' },
    'quay.io/mesh-demo/search:1.8.2',
  ),
  app(
    'reporting',
    'reporting-service',
    { 'istio-injection': 'disabled' },
    'quay.io/mesh-demo/reporting:2.0.0',
  ),
  app(
    'notifications',
    'notifications-service',
    {},
    'quay.io/mesh-demo/notifications:1.1.0',
  ),
  // Points at a revision that was never installed: nothing injects.
  app(
    'recommendations',
    'recommendations-service',
    { 'istio.io/rev': '1-22-0' },
    'quay.io/mesh-demo/recommendations:0.7.0',
  ),
];

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  installMeshCrds(
    api,
    crdsOfGroups('networking.istio.io', 'security.istio.io'),
  );
  ensureNamespace(api, 'istio-system');
  const stop = combineStops([
    startWorkloadsController(api, {
      readyDelayMs: options.readyDelayMs,
      faults: options.faults,
    }),
    startPodMetricsController(api),
    startInjectionController(api, { faults: options.faults }),
    startIstiodController(api, {
      revisions: upstreamRevisions,
      tags: upstreamTags,
    }),
  ]);
  applyObservabilityAddons(api, {
    namespace: 'istio-system',
    addons: ['prometheus', 'kiali', 'tracing', 'grafana'],
    exposure: 'ingress',
  });
  await Promise.all(
    upstreamRevisions.map(rev => istiodReady(api, rev.namespace, rev.revision)),
  );
  for (const def of istioApps) deployApp(api, def);
  await rolledOut(
    api,
    istioApps.map(def => def.namespace),
  );
  return stop;
}

export const istioRevisionsScenario: Scenario = {
  description:
    'Upstream Istio with revisions 1-23-1 and 1-24-3, tags default/prod-stable → 1-23-1 and prod-canary → 1-24-3, namespaces on each, one with both labels, one disabled, one unlabelled, one on a missing revision; Kiali/Jaeger/Grafana Ingresses',
  components: [
    {
      component: 'catalog-service',
      namespace: 'catalog',
      note: 'istio.io/rev=prod-stable (tag → 1-23-1)',
    },
    {
      component: 'checkout-service',
      namespace: 'checkout',
      note: 'istio.io/rev=1-24-3 (canary revision)',
    },
    {
      component: 'search-service',
      namespace: 'search',
      note: 'istio-injection=enabled and istio.io/rev=prod-canary: istio-injection wins',
    },
    {
      component: 'reporting-service',
      namespace: 'reporting',
      note: 'istio-injection=disabled',
    },
    {
      component: 'notifications-service',
      namespace: 'notifications',
      note: 'not labelled',
    },
    {
      component: 'recommendations-service',
      namespace: 'recommendations',
      note: 'istio.io/rev=1-22-0, a missing revision',
    },
  ],
  setup,
};
