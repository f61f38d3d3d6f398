import {
  OPENSHIFT_IGNORE_NAMESPACE_LABEL as IGNORE_LABEL,
  SIDECAR_INJECT_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi } from '../apiserver/types';
import { DEPLOYMENTS, ensureNamespace, upsert } from '../controllers/common';
import {
  InstallationSpec,
  LegacyControlPlane,
  startInstallationController,
} from '../controllers/legacyIstio';
import { INSTALLATIONS, crdsOfGroups, installMeshCrds } from '../meshCrds';
import {
  AppDef,
  Scenario,
  ScenarioOptions,
  deployApp,
  rolledOut,
} from './apps';
import {
  legacyInjectorReady,
  singleWorkloadApp,
  startLegacyClusterControllers,
} from './legacyApps';

const REGISTRY = 'registry.access.redhat.com';

/**
 * What the Maistra 0.9 installer lays out (Istio 1.1 based): every
 * namespace goes through the injector except those labelled
 * `istio.openshift.com/ignore-namespace`; `policy: disabled`, so a pod gets
 * a sidecar only with `sidecar.istio.io/inject: "true"`; build and deployer
 * pods are never injected.
 */
export function maistra09ControlPlane(
  spec: InstallationSpec,
): Omit<LegacyControlPlane, 'namespace'> {
  const prefix = (
    spec.istio?.prefix ?? 'openshift-istio-tech-preview/'
  ).replace(/\/$/, '');
  const version = spec.istio?.version ?? '0.9.0';
  return {
    version,
    hub: `${REGISTRY}/${prefix}`,
    imageStyle: 'maistra',
    failurePolicy: 'Fail',
    namespaceSelector: {
      matchExpressions: [{ key: IGNORE_LABEL, operator: 'DoesNotExist' }],
    },
    injectionPolicy: 'disabled',
    injectSelectors: {
      always: [],
      never: [
        {
          matchExpressions: [
            { key: 'openshift.io/build.name', operator: 'Exists' },
          ],
        },
        {
          matchExpressions: [
            { key: 'openshift.io/deployer-pod-for.name', operator: 'Exists' },
          ],
        },
      ],
    },
    managedBy: 'openshift-ansible',
    labels: { 'maistra-version': version },
  };
}

const INJECT = { [SIDECAR_INJECT_ANNOTATION]: 'true' };
const IGNORED = { [IGNORE_LABEL]: 'ignore' };

const maistraApps: AppDef[] = [
  // Not opted in yet: the developer journey enrolls it.
  singleWorkloadApp(
    'sleep',
    'sleep',
    {
      name: 'sleep',
      version: 'v1',
      image: 'docker.io/governmentpaas/curl-ssl:latest',
    },
    { port: 80, portName: 'http' },
  ),
  singleWorkloadApp(
    'httpbin',
    'httpbin-maistra',
    {
      name: 'httpbin',
      version: 'v1',
      image: 'docker.io/kennethreitz/httpbin:latest',
      podAnnotations: INJECT,
    },
    { port: 8000, portName: 'http' },
  ),
  // Annotated, but its namespace is ignored: the webhook never sees its pods.
  singleWorkloadApp(
    'legacy-batch',
    'batch-worker',
    {
      name: 'batch-worker',
      version: 'v1',
      image: 'quay.io/mesh-demo/batch-worker:0.3.1',
      podAnnotations: INJECT,
    },
    { port: 8080, portName: 'http-metrics' },
    IGNORED,
  ),
];

export const MAISTRA_INSTALLATION_SPEC: InstallationSpec &
  Record<string, unknown> = {
  deployment_type: 'openshift',
  istio: {
    authentication: true,
    community: false,
    prefix: 'openshift-istio-tech-preview/',
    version: '0.9.0',
  },
  jaeger: {
    prefix: 'distributed-tracing-tech-preview/',
    version: '1.11.0',
  },
  kiali: {
    prefix: 'openshift-istio-tech-preview/',
    version: '0.16.2',
  },
};

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  installMeshCrds(
    api,
    crdsOfGroups('istio.openshift.com', 'networking.istio.io'),
  );
  // The installer labels the namespaces the injector must not see.
  ensureNamespace(api, 'kube-system', IGNORED);
  ensureNamespace(api, 'istio-system', IGNORED);
  // The operator's own namespace is not: with the injector down, its pods
  // fail to be created too.
  ensureNamespace(api, 'istio-operator');
  const stop = startLegacyClusterControllers(api, options, [
    startInstallationController(api, { controlPlane: maistra09ControlPlane }),
  ]);
  upsert(api, DEPLOYMENTS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'istio-operator',
      namespace: 'istio-operator',
      labels: { name: 'istio-operator' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { name: 'istio-operator' } },
      template: {
        metadata: { labels: { name: 'istio-operator' } },
        spec: {
          serviceAccountName: 'istio-operator',
          containers: [
            {
              name: 'istio-operator',
              image: `${REGISTRY}/openshift-istio-tech-preview/istio-operator:0.9.0`,
              env: [{ name: 'WATCH_NAMESPACE', value: 'istio-operator' }],
            },
          ],
        },
      },
    },
  });
  api.create(INSTALLATIONS, {
    apiVersion: 'istio.openshift.com/v1alpha1',
    kind: 'Installation',
    metadata: { name: 'istio-installation', namespace: 'istio-operator' },
    spec: MAISTRA_INSTALLATION_SPEC,
  });
  await legacyInjectorReady(api, 'istio-system');
  for (const app of maistraApps) deployApp(api, app);
  await rolledOut(api, [
    'istio-operator',
    ...maistraApps.map(app => app.namespace),
  ]);
  return stop;
}

export const maistra09Scenario: Scenario = {
  description:
    'Maistra 0.9 on OpenShift 3.11: Installation istio-installation in istio-operator, its installer Job Completed, the 1.1-style control plane in istio-system, the injector webhook on every namespace not labelled istio.openshift.com/ignore-namespace (failurePolicy Fail), policy disabled (per-pod opt-in); sleep not opted in, httpbin opted in, legacy-batch ignored; Routes',
  components: [
    {
      component: 'sleep',
      namespace: 'sleep',
      note: 'selected by the webhook; pods not opted in yet',
    },
    {
      component: 'httpbin-maistra',
      namespace: 'httpbin',
      note: 'sidecar.istio.io/inject: "true" on the pod template',
    },
    {
      component: 'batch-worker',
      namespace: 'legacy-batch',
      note: 'istio.openshift.com/ignore-namespace: the annotation has no effect',
    },
  ],
  setup,
};
