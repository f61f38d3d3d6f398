import { ISTIO_INJECTION_LABEL } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi } from '../apiserver/types';
import { ensureNamespace } from '../controllers/common';
import {
  LegacyControlPlane,
  applyLegacyControlPlane,
} from '../controllers/legacyIstio';
import { applyObservabilityAddons } from '../controllers/observability';
import { crdsOfGroups, installMeshCrds } from '../meshCrds';
import {
  AppDef,
  Scenario,
  ScenarioOptions,
  deployApp,
  rolledOut,
} from './apps';
import {
  legacyBookinfo,
  legacyInjectorReady,
  singleWorkloadApp,
  startLegacyClusterControllers,
} from './legacyApps';

/**
 * Istio 1.0.6 as its Helm chart installed it: no revisions, the injector
 * on namespaces labelled `istio-injection=enabled`, `policy: enabled` and
 * no never/always-inject selectors (they came in 1.1).
 */
export const istio10ControlPlane: LegacyControlPlane = {
  namespace: 'istio-system',
  version: '1.0.6',
  hub: 'docker.io/istio',
  imageStyle: 'istio',
  failurePolicy: 'Fail',
  namespaceSelector: { matchLabels: { [ISTIO_INJECTION_LABEL]: 'enabled' } },
  injectionPolicy: 'enabled',
  labels: { heritage: 'Tiller', chart: 'istio-1.0.6' },
};

const istio10Apps: AppDef[] = [
  {
    ...legacyBookinfo('bookinfo-legacy'),
    namespaceLabels: { [ISTIO_INJECTION_LABEL]: 'enabled' },
  },
  // Never labelled: its pods start without sidecars.
  singleWorkloadApp(
    'ledger',
    'ledger-legacy',
    {
      name: 'ledger',
      version: 'v1',
      replicas: 2,
      image: 'quay.io/mesh-demo/ledger:1.2.0',
    },
    { port: 8080, portName: 'http-api' },
  ),
];

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  // Istio 1.0's own CRDs were v1alpha3; the demo serves that version too.
  installMeshCrds(api, crdsOfGroups('networking.istio.io'));
  ensureNamespace(api, 'istio-system');
  const stop = startLegacyClusterControllers(api, options);
  // Helm applies the chart once; nothing reconciles it afterwards.
  applyLegacyControlPlane(api, istio10ControlPlane);
  applyObservabilityAddons(api, {
    namespace: 'istio-system',
    addons: ['prometheus', 'grafana', 'servicegraph', 'tracing', 'kiali'],
    exposure: 'ingress',
    images: {
      prometheus: 'docker.io/prom/prometheus:v2.3.1',
      grafana: 'docker.io/grafana/grafana:5.2.3',
      servicegraph: 'docker.io/istio/servicegraph:1.0.6',
      tracing: 'docker.io/jaegertracing/all-in-one:1.5',
      kiali: 'docker.io/kiali/kiali:v0.9',
    },
    labels: { heritage: 'Tiller', release: 'istio' },
    managedBy: 'Tiller',
  });
  await legacyInjectorReady(api, 'istio-system');
  for (const app of istio10Apps) deployApp(api, app);
  await rolledOut(
    api,
    istio10Apps.map(app => app.namespace),
  );
  return stop;
}

export const istio10Scenario: Scenario = {
  description:
    'Upstream Istio 1.0.6 from Helm: istio-pilot, istio-sidecar-injector, citadel, galley, policy, telemetry in istio-system, the istio-sidecar-injector webhook on istio-injection=enabled (failurePolicy Fail), bookinfo injected, one namespace not; Grafana/Servicegraph/Jaeger/Kiali Ingresses',
  components: [
    {
      component: 'bookinfo-legacy',
      namespace: 'bookinfo',
      note: 'istio-injection=enabled; proxyv2:1.0.6 sidecars, no revision',
    },
    {
      component: 'ledger-legacy',
      namespace: 'ledger',
      note: 'not labelled: no sidecars',
    },
  ],
  setup,
};
