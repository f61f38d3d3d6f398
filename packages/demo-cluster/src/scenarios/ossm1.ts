import { SIDECAR_INJECT_ANNOTATION } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi } from '../apiserver/types';
import { ensureNamespace } from '../controllers/common';
import { ossm1ControlPlaneController } from '../controllers/legacyIstio';
import { startOssm2Controller } from '../controllers/ossm2';
import {
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBER_ROLLS,
  crdsOfGroups,
  installMeshCrds,
  installOssm1Crds,
} from '../meshCrds';
import { waitFor } from '../waitFor';
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

const INJECT = { [SIDECAR_INJECT_ANNOTATION]: 'true' };

const ossm1Apps: AppDef[] = [
  // A member; its pods opted in.
  { ...legacyBookinfo('bookinfo-ossm1', INJECT) },
  // Not a member: the annotation alone does nothing. The one to enroll.
  singleWorkloadApp(
    'shop',
    'shop-ossm1',
    {
      name: 'web',
      version: 'v1',
      replicas: 2,
      image: 'quay.io/mesh-demo/shop-web:2.4.0',
    },
    { port: 8080, portName: 'http-web' },
  ),
];

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  installOssm1Crds(api);
  installMeshCrds(api, crdsOfGroups('networking.istio.io'));
  ensureNamespace(api, 'istio-system');
  const stop = startLegacyClusterControllers(api, options, [
    startOssm2Controller(api, {
      controlPlaneController: ossm1ControlPlaneController,
    }),
  ]);
  api.create(SERVICE_MESH_CONTROL_PLANES, {
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshControlPlane',
    metadata: { name: 'basic-install', namespace: 'istio-system' },
    spec: {
      version: 'v1.1',
      istio: {
        global: { proxy: { resources: { requests: { cpu: '10m' } } } },
        gateways: { 'istio-egressgateway': { autoscaleEnabled: false } },
        mixer: { policy: { autoscaleEnabled: false } },
        kiali: { enabled: true },
        grafana: { enabled: true },
        tracing: { enabled: true, jaeger: { template: 'all-in-one' } },
      },
    },
  });
  api.create(SERVICE_MESH_MEMBER_ROLLS, {
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshMemberRoll',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { members: ['bookinfo'] },
  });
  await legacyInjectorReady(api, 'istio-system');
  for (const app of ossm1Apps) ensureNamespace(api, app.namespace);
  await waitFor(
    () =>
      (
        api.get(SERVICE_MESH_MEMBER_ROLLS, 'istio-system', 'default')
          ?.status as { configuredMembers?: string[] } | undefined
      )?.configuredMembers?.includes('bookinfo') === true,
    { timeoutMs: 30_000, intervalMs: 10, what: 'member roll' },
  );
  for (const app of ossm1Apps) deployApp(api, app);
  await rolledOut(
    api,
    ossm1Apps.map(app => app.namespace),
  );
  return stop;
}

export const ossm1Scenario: Scenario = {
  description:
    'OpenShift Service Mesh 1.1: maistra.io/v1 SMCP basic-install (spec.istio values) laid out before istiod (istio-pilot, istio-sidecar-injector, ...) in istio-system, member roll with bookinfo (pods opted in), shop not a member; Routes',
  components: [
    {
      component: 'bookinfo-ossm1',
      namespace: 'bookinfo',
      note: 'member roll; pods opted in by annotation',
    },
    {
      component: 'shop-ossm1',
      namespace: 'shop',
      note: 'not a member, not opted in',
    },
  ],
  setup,
};
