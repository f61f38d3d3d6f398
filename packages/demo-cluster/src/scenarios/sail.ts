import { ClusterApi } from '../apiserver/types';
import { combineStops, ensureNamespace } from '../controllers/common';
import { startInjectionController } from '../controllers/injection';
import { applyObservabilityAddons } from '../controllers/observability';
import { startSailController } from '../controllers/sail';
import { startWorkloadsController } from '../controllers/workloads';
import { startPodMetricsController } from '../controllers/podMetrics';
import {
  ISTIOS,
  ISTIO_CNIS,
  ISTIO_REVISION_TAGS,
  crdsOfGroups,
  installMeshCrds,
} from '../meshCrds';
import { waitFor } from '../waitFor';
import {
  AppDef,
  Scenario,
  applyDefaultSidecar,
  ScenarioOptions,
  deployApp,
  istiodReady,
  restartDeployments,
  rolledOut,
} from './apps';

export const OLD_VERSION = 'v1.23.6';
export const NEW_VERSION = 'v1.24.3';
const DISCOVERY = { 'istio-discovery': 'enabled' };

const app = (
  namespace: string,
  component: string,
  namespaceLabels: Record<string, string>,
  image: string,
  containerPort = 8080,
): AppDef => ({
  namespace,
  namespaceLabels,
  component,
  workloads: [
    {
      name: component,
      app: component,
      version: 'v1',
      replicas: 2,
      image,
      containerPort,
    },
  ],
  services: [
    {
      name: component,
      app: component,
      port: containerPort,
      portName: 'http-web',
    },
  ],
});

/** Restarted after the upgrade: on the new revision through the `default` tag. */
const storefront = app(
  'storefront',
  'storefront-web',
  { ...DISCOVERY, 'istio-injection': 'enabled' },
  'quay.io/mesh-demo/storefront:4.2.0',
);
/** Follows the `default` tag but not restarted since the upgrade: old proxies. */
const customers = app(
  'customers',
  'customer-api',
  { ...DISCOVERY, 'istio.io/rev': 'default' },
  'quay.io/mesh-demo/customer-api:2.7.1',
);
/** Pinned to the old revision by name. */
const fraudDetection = app(
  'fraud-detection',
  'fraud-detection',
  {
    ...DISCOVERY,
    'istio.io/rev': `default-${OLD_VERSION.replace(/\./g, '-')}`,
  },
  'quay.io/mesh-demo/fraud-detection:1.0.4',
);
/** Outside the discovery selectors and not injected. */
const analytics = app(
  'analytics',
  'analytics-jobs',
  {},
  'quay.io/mesh-demo/analytics:0.3.0',
);

const sailApps = [storefront, customers, fraudDetection, analytics];

function istio(version: string, nativeSidecars: boolean, graceSeconds = 30) {
  return {
    apiVersion: 'sailoperator.io/v1',
    kind: 'Istio',
    metadata: { name: 'default' },
    spec: {
      version,
      namespace: 'istio-system',
      profile: 'openshift',
      updateStrategy: {
        type: 'RevisionBased',
        inactiveRevisionDeletionGracePeriodSeconds: graceSeconds,
      },
      values: {
        meshConfig: { discoverySelectors: [{ matchLabels: DISCOVERY }] },
        pilot: {
          cni: { enabled: true },
          env: { ENABLE_NATIVE_SIDECARS: nativeSidecars ? 'true' : 'false' },
        },
      },
    },
  };
}

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  installMeshCrds(
    api,
    crdsOfGroups(
      'sailoperator.io',
      'networking.istio.io',
      'security.istio.io',
      'k8s.cni.cncf.io',
    ),
  );
  ensureNamespace(api, 'istio-system', DISCOVERY);
  const stop = combineStops([
    startWorkloadsController(api, {
      readyDelayMs: options.readyDelayMs,
      faults: options.faults,
    }),
    startPodMetricsController(api),
    startInjectionController(api, { faults: options.faults }),
    startSailController(api),
  ]);
  api.create(ISTIO_CNIS, {
    apiVersion: 'sailoperator.io/v1',
    kind: 'IstioCNI',
    metadata: { name: 'default' },
    spec: { version: NEW_VERSION, namespace: 'istio-cni' },
  });
  const grace = options.revisionGracePeriodSeconds;
  api.create(ISTIOS, istio(OLD_VERSION, false, grace));
  api.create(ISTIO_REVISION_TAGS, {
    apiVersion: 'sailoperator.io/v1',
    kind: 'IstioRevisionTag',
    metadata: { name: 'default' },
    spec: { targetRef: { kind: 'Istio', name: 'default' } },
  });
  applyObservabilityAddons(api, {
    namespace: 'istio-system',
    addons: ['prometheus', 'kiali', 'jaeger', 'grafana'],
    exposure: 'route',
    redHatImages: true,
  });
  const oldRevision = `default-${OLD_VERSION.replace(/\./g, '-')}`;
  const newRevision = `default-${NEW_VERSION.replace(/\./g, '-')}`;
  await istiodReady(api, 'istio-system', oldRevision);
  await tagPointsAt(api, oldRevision);

  // Apps first run on the old revision …
  for (const def of sailApps) deployApp(api, def);
  applyDefaultSidecar(api, 'storefront', 'istio-system', ['customers/*']);
  await rolledOut(
    api,
    sailApps.map(def => def.namespace),
  );

  // … then the control plane is upgraded (a second revision appears) and
  // only storefront is restarted onto it.
  const current = api.get(ISTIOS, undefined, 'default')!;
  api.update(ISTIOS, {
    ...current,
    spec: istio(NEW_VERSION, true, grace).spec,
  });
  await istiodReady(api, 'istio-system', newRevision);
  await tagPointsAt(api, newRevision);
  restartDeployments(api, storefront.namespace);
  await rolledOut(api, [storefront.namespace]);
  return stop;
}

function tagPointsAt(api: ClusterApi, revision: string) {
  return waitFor(
    () =>
      (
        api.get(ISTIO_REVISION_TAGS, undefined, 'default')?.status as
          | { istioRevision?: string }
          | undefined
      )?.istioRevision === revision,
    { timeoutMs: 30_000, intervalMs: 10, what: `tag default → ${revision}` },
  );
}

export const sailScenario: Scenario = {
  description:
    'OpenShift Service Mesh 3 (Sail): Istio default, RevisionBased, upgraded from v1.23.6 to v1.24.3 with the old revision still in use, IstioRevisionTag default, IstioCNI, discovery selectors, Routes for Kiali/Jaeger/Grafana',
  components: [
    {
      component: 'storefront-web',
      namespace: 'storefront',
      note: 'istio-injection=enabled; restarted onto v1.24.3 (native sidecars)',
    },
    {
      component: 'customer-api',
      namespace: 'customers',
      note: 'istio.io/rev=default tag; pods still on v1.23.6, restart needed',
    },
    {
      component: 'fraud-detection',
      namespace: 'fraud-detection',
      note: 'pinned to revision default-v1-23-6',
    },
    {
      component: 'analytics-jobs',
      namespace: 'analytics',
      note: 'outside discoverySelectors, no injection',
    },
  ],
  setup,
};
