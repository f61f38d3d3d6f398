import type { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import type {
  ConfigMap,
  MaistraInstallation,
  MutatingWebhookConfiguration,
  ServiceMeshControlPlane,
  ServiceMeshMemberRoll,
  Workload,
} from '../kube';
import { emptyClusterSnapshot, type ClusterSnapshot } from '../snapshot';
import { deployment, namespace, podOf } from '.';

/*
 * Control planes from before istiod, as plain data: the Helm layout of
 * Istio 1.0, Maistra 0.9 on OpenShift 3.11, and OSSM 1.1.
 */

function controlPlaneDeployment(
  name: string,
  ns: string,
  image: string,
  ready = true,
): Workload {
  const d = deployment(name, ns, {
    labels: { app: name.replace(/^istio-/, ''), istio: name.slice(6) },
  });
  d.spec.template.spec.containers = [{ name: 'discovery', image }];
  d.status = {
    replicas: 1,
    readyReplicas: ready ? 1 : 0,
    conditions: [{ type: 'Available', status: ready ? 'True' : 'False' }],
  };
  return d;
}

export function legacyWebhook(
  ns: string,
  namespaceSelector: LabelSelector,
  failurePolicy = 'Fail',
): MutatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'istio-sidecar-injector', resourceVersion: '3' },
    webhooks: [
      {
        name: 'sidecar-injector.istio.io',
        failurePolicy,
        namespaceSelector,
        clientConfig: {
          service: {
            name: 'istio-sidecar-injector',
            namespace: ns,
            path: '/inject',
          },
        },
      },
    ],
  };
}

export function injectorConfigMap(ns: string, config: string): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'istio-sidecar-injector',
      namespace: ns,
      labels: { istio: 'sidecar-injector' },
    },
    data: { config },
  };
}

function legacyDeployments(
  ns: string,
  registry: string,
  version: string,
  injectorReady: boolean,
): Workload[] {
  return [
    controlPlaneDeployment('istio-pilot', ns, `${registry}/pilot:${version}`),
    controlPlaneDeployment(
      'istio-sidecar-injector',
      ns,
      `${registry}/sidecar_injector:${version}`,
      injectorReady,
    ),
    controlPlaneDeployment(
      'istio-citadel',
      ns,
      `${registry}/citadel:${version}`,
    ),
  ];
}

/** Istio 1.0.6 from Helm; bookinfo labelled istio-injection=enabled, ledger not. */
export function istio10Snapshot(
  options: { injectorReady?: boolean; webhook?: boolean } = {},
): ClusterSnapshot {
  const productpage = deployment('productpage-v1', 'bookinfo');
  const ledger = deployment('ledger', 'ledger');
  return {
    ...emptyClusterSnapshot('istio-1-0'),
    namespaces: [
      namespace('istio-system'),
      namespace('bookinfo', { 'istio-injection': 'enabled' }),
      namespace('ledger'),
    ],
    workloads: [
      ...legacyDeployments(
        'istio-system',
        'docker.io/istio',
        '1.0.6',
        options.injectorReady ?? true,
      ),
      productpage,
      ledger,
    ],
    pods: [
      podOf(productpage, 'a', { proxy: { version: '1.0.6' } }),
      podOf(ledger, 'a'),
    ],
    mutatingWebhookConfigurations:
      options.webhook === false
        ? []
        : [
            legacyWebhook('istio-system', {
              matchLabels: { 'istio-injection': 'enabled' },
            }),
          ],
    configMaps: [injectorConfigMap('istio-system', 'policy: enabled\n')],
    ingresses: [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'servicegraph', namespace: 'istio-system' },
        spec: {
          rules: [
            {
              host: 'servicegraph.istio-system.demo.example.com',
              http: {
                paths: [
                  { path: '/', backend: { service: { name: 'servicegraph' } } },
                ],
              },
            },
          ],
        },
      },
    ],
  };
}

export const MAISTRA_INJECTOR_CONFIG = `policy: disabled
neverInjectSelector:
  - matchExpressions:
      - { key: openshift.io/build.name, operator: Exists }
  - matchExpressions:
      - { key: openshift.io/deployer-pod-for.name, operator: Exists }
alwaysInjectSelector: []
template: |-
  initContainers:
  - name: istio-init
`;

/** Maistra 0.9: sleep not opted in, httpbin opted in, legacy-batch ignored. */
export function maistra09Snapshot(
  options: { injectorReady?: boolean; webhook?: boolean } = {},
): ClusterSnapshot {
  const ignore = { 'istio.openshift.com/ignore-namespace': 'ignore' };
  const optIn = { annotations: { 'sidecar.istio.io/inject': 'true' } };
  const sleep = deployment('sleep', 'sleep');
  const httpbin = deployment('httpbin', 'httpbin', {
    labels: { app: 'httpbin', version: 'v1' },
    ...optIn,
  });
  const batch = deployment('batch-worker', 'legacy-batch', {
    labels: { app: 'batch-worker', version: 'v1' },
    ...optIn,
  });
  const installation: MaistraInstallation = {
    apiVersion: 'istio.openshift.com/v1alpha1',
    kind: 'Installation',
    metadata: { name: 'istio-installation', namespace: 'istio-operator' },
    spec: { istio: { version: '0.9.0' } },
  };
  return {
    ...emptyClusterSnapshot('maistra-0-9'),
    namespaces: [
      namespace('istio-operator'),
      namespace('istio-system', ignore),
      namespace('kube-system', ignore),
      namespace('sleep'),
      namespace('httpbin'),
      namespace('legacy-batch', ignore),
    ],
    workloads: [
      ...legacyDeployments(
        'istio-system',
        'registry.access.redhat.com/openshift-istio-tech-preview',
        '0.9.0',
        options.injectorReady ?? true,
      ),
      sleep,
      httpbin,
      batch,
    ],
    pods: [
      podOf(sleep, 'a'),
      podOf(httpbin, 'a', { proxy: { version: '0.9.0' } }),
      podOf(batch, 'a'),
    ],
    mutatingWebhookConfigurations:
      options.webhook === false
        ? []
        : [
            legacyWebhook('istio-system', {
              matchExpressions: [
                {
                  key: 'istio.openshift.com/ignore-namespace',
                  operator: 'DoesNotExist',
                },
              ],
            }),
          ],
    configMaps: [injectorConfigMap('istio-system', MAISTRA_INJECTOR_CONFIG)],
    installations: [installation],
    routes: [],
  };
}

/** OSSM 1.1: a v1 control plane in istio-system whose member roll lists bookinfo. */
export function ossm1Snapshot(): ClusterSnapshot {
  const smcp: ServiceMeshControlPlane = {
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshControlPlane',
    metadata: { name: 'basic-install', namespace: 'istio-system' },
    spec: { version: 'v1.1', istio: { global: { proxy: {} } } },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const roll: ServiceMeshMemberRoll = {
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshMemberRoll',
    metadata: {
      name: 'default',
      namespace: 'istio-system',
      resourceVersion: '7',
    },
    spec: { members: ['bookinfo'] },
    status: { configuredMembers: ['bookinfo'] },
  };
  const reviews = deployment('reviews-v1', 'bookinfo');
  const web = deployment('web', 'shop');
  return {
    ...emptyClusterSnapshot('ossm-1'),
    namespaces: [
      namespace('istio-system'),
      namespace('bookinfo', { 'maistra.io/member-of': 'istio-system' }),
      namespace('shop'),
    ],
    workloads: [
      ...legacyDeployments(
        'istio-system',
        'registry.redhat.io/openshift-service-mesh',
        '1.1.0',
        true,
      ),
      reviews,
      web,
    ],
    pods: [podOf(reviews, 'a'), podOf(web, 'a')],
    mutatingWebhookConfigurations: [
      legacyWebhook('istio-system', {
        matchLabels: { 'maistra.io/member-of': 'istio-system' },
      }),
    ],
    configMaps: [injectorConfigMap('istio-system', 'policy: disabled\n')],
    serviceMeshControlPlanesV1: [smcp],
    serviceMeshMemberRolls: [roll],
    serviceMeshMembers: [],
    routes: [],
  };
}
