import { stringify as toYaml } from 'yaml';
import { SIDECAR_INJECT_ANNOTATION as INJECT_KEY } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi } from '../../apiserver/types';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  MANAGED_BY_LABEL,
  SERVICE_ACCOUNTS,
  SERVICES,
  clusterIpFor,
  upsert,
} from '../common';
import {
  applyLegacyInjectorConfig,
  applyLegacyInjectorWebhook,
} from './injector';
import {
  LEGACY_COMPONENTS,
  LegacyComponent,
  LegacyControlPlane,
  legacyImage,
  legacyProxyImage,
} from './model';

function componentLabels(component: LegacyComponent) {
  return {
    app: component.app,
    istio: component.istio,
    ...(component.mixerType ? { 'istio-mixer-type': component.mixerType } : {}),
  };
}

/** Pilot and Mixer carry a proxy container of their own, added by the chart. */
function proxyContainer(cp: LegacyControlPlane) {
  return {
    name: 'istio-proxy',
    image: legacyProxyImage(cp),
    args: [
      'proxy',
      '--serviceCluster',
      'istio-proxy',
      '--templateFile',
      '/etc/istio/proxy/envoy_pilot.yaml.tmpl',
    ],
    resources: { requests: { cpu: '10m' } },
  };
}

/**
 * Lays out a pre-istiod control plane as Helm (Istio 1.0/1.1) or the
 * Maistra 0.x installer does: one Deployment, Service and ServiceAccount per
 * component, the mesh ConfigMap `istio`, the injector ConfigMap and the
 * injector webhook. Idempotent; a manual scale of a Deployment is kept.
 */
export function applyLegacyControlPlane(
  api: ClusterApi,
  cp: LegacyControlPlane,
): void {
  const baseLabels: Record<string, string> = {
    ...(cp.managedBy ? { [MANAGED_BY_LABEL]: cp.managedBy } : {}),
    release: 'istio',
    ...cp.labels,
  };
  const metadata = (name: string, labels: Record<string, string>) => ({
    name,
    namespace: cp.namespace,
    labels: { ...baseLabels, ...labels },
    ...(cp.ownerReferences ? { ownerReferences: cp.ownerReferences } : {}),
  });

  upsert(api, CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata('istio', { app: 'istio' }),
    data: {
      mesh: toYaml({
        disablePolicyChecks: false,
        enableTracing: true,
        mixerCheckServer: `istio-policy.${cp.namespace}.svc.cluster.local:9091`,
        mixerReportServer: `istio-telemetry.${cp.namespace}.svc.cluster.local:9091`,
        ingressClass: 'istio',
        defaultConfig: {
          discoveryAddress: `istio-pilot.${cp.namespace}:15007`,
          zipkinAddress: `zipkin.${cp.namespace}:9411`,
          controlPlaneAuthPolicy: 'NONE',
        },
      }),
    },
  });

  for (const component of LEGACY_COMPONENTS) {
    const labels = componentLabels(component);
    const serviceAccount = `${component.name}-service-account`;
    upsert(api, SERVICE_ACCOUNTS, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: metadata(serviceAccount, { app: component.app }),
    });
    upsert(api, SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(component.name, labels),
      spec: {
        type:
          component.istio === 'ingressgateway' ? 'LoadBalancer' : 'ClusterIP',
        clusterIP: clusterIpFor(cp.namespace, component.name),
        selector: labels,
        ports: component.ports.map(port => ({
          name: port.name,
          port: port.port,
          protocol: 'TCP',
          targetPort: port.targetPort ?? port.port,
        })),
      },
    });
    upsert(
      api,
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(component.name, labels),
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
          },
          template: {
            metadata: {
              labels,
              annotations: {
                [INJECT_KEY]: 'false',
                'scheduler.alpha.kubernetes.io/critical-pod': '',
              },
            },
            spec: {
              serviceAccountName: serviceAccount,
              containers: [
                {
                  name: component.container,
                  image: legacyImage(cp, component.image(cp.imageStyle)),
                  imagePullPolicy: 'IfNotPresent',
                  ports: component.ports.map(port => ({
                    containerPort: port.targetPort ?? port.port,
                    protocol: 'TCP',
                  })),
                  resources: { requests: { cpu: '10m' } },
                },
                ...(component.proxy ? [proxyContainer(cp)] : []),
              ],
            },
          },
        },
      },
      // Nothing reconciles these afterwards; a re-apply keeps a manual scale,
      // so a scaled-down injector stays down.
      (existing, desired) => ({
        ...existing,
        metadata: {
          ...existing.metadata,
          labels: { ...existing.metadata.labels, ...desired.metadata.labels },
        },
        spec: {
          ...(desired.spec as object),
          replicas: (existing.spec as { replicas?: number }).replicas ?? 1,
        },
      }),
    );
  }
  applyLegacyInjectorConfig(api, cp, baseLabels);
  applyLegacyInjectorWebhook(api, cp, baseLabels);
}
