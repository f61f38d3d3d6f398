import { stringify as toYaml } from 'yaml';
import {
  ISTIO_REVISION_LABEL as REV_LABEL,
  SIDECAR_INJECT_ANNOTATION as INJECT_LABEL,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi } from '../../apiserver/types';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  MANAGED_BY_LABEL,
  MUTATING_WEBHOOKS,
  SERVICE_ACCOUNTS,
  SERVICES,
  clusterIpFor,
  deleteIfExists,
  upsert,
} from '../common';
import {
  ControlPlaneRevision,
  RevisionTag,
  imageOf,
  injectorConfigMapName,
  istiodName,
  meshConfigMapName,
  webhookConfigName,
} from './names';
import { applyRevisionTag, applyRevisionWebhook } from './webhooks';

export type { ControlPlaneRevision, RevisionTag } from './names';
export {
  injectorConfigMapName,
  istiodName,
  proxyImageOf,
  tagWebhookConfigName,
  webhookConfigName,
} from './names';
export { applyRevisionTag, deleteRevisionTag } from './webhooks';

function baseLabels(
  rev: { revision: string; managedBy?: string },
  extra?: Record<string, string>,
) {
  return {
    [REV_LABEL]: rev.revision,
    [MANAGED_BY_LABEL]: rev.managedBy ?? 'Helm',
    ...extra,
  };
}

/**
 * Creates or updates the objects of one istiod revision: Deployment,
 * Service, ServiceAccount, injector and mesh ConfigMaps and the injection
 * MutatingWebhookConfiguration. Idempotent.
 */
export function applyControlPlaneRevision(
  api: ClusterApi,
  rev: ControlPlaneRevision,
): void {
  const name = istiodName(rev.revision);
  const labels = baseLabels(rev, rev.labels);
  const metadata = (objectName: string, extraLabels = {}) => ({
    name: objectName,
    namespace: rev.namespace,
    labels: { ...labels, ...extraLabels },
    ...(rev.ownerReferences ? { ownerReferences: rev.ownerReferences } : {}),
  });
  const selector = { app: 'istiod', [REV_LABEL]: rev.revision };

  upsert(api, SERVICE_ACCOUNTS, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadata(name, { app: 'istiod' }),
  });

  const values = {
    global: {
      hub: rev.hub ?? 'docker.io/istio',
      tag: rev.version,
      istioNamespace: rev.namespace,
      proxy: { image: rev.proxyImageName ?? 'proxyv2' },
      proxy_init: { image: rev.proxyImageName ?? 'proxyv2' },
    },
    revision: rev.revision === 'default' ? '' : rev.revision,
    istio_cni: { enabled: rev.cni ?? false },
    pilot: {
      env: { ENABLE_NATIVE_SIDECARS: rev.nativeSidecars ? 'true' : 'false' },
    },
  };
  upsert(api, CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(injectorConfigMapName(rev.revision), {
      app: 'sidecar-injector',
    }),
    data: {
      values: JSON.stringify(values, null, 2),
      config: toYaml({
        policy: rev.injectionPolicy ?? 'enabled',
        alwaysInjectSelector: [],
        neverInjectSelector: [],
        defaultTemplates: ['sidecar'],
      }),
    },
  });
  upsert(api, CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(meshConfigMapName(rev.revision), { app: 'istiod' }),
    data: {
      mesh: toYaml({
        rootNamespace: rev.namespace,
        trustDomain: 'cluster.local',
        defaultConfig: {
          discoveryAddress: `${name}.${rev.namespace}.svc:15012`,
          tracing: { zipkin: { address: 'zipkin.istio-system:9411' } },
        },
        enablePrometheusMerge: true,
        ...(rev.discoverySelectors?.length
          ? { discoverySelectors: rev.discoverySelectors }
          : {}),
      }),
    },
  });

  upsert(api, SERVICES, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name, { app: 'istiod', istio: 'pilot' }),
    spec: {
      type: 'ClusterIP',
      clusterIP: clusterIpFor(rev.namespace, name),
      selector,
      ports: [
        { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
        { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
        {
          name: 'https-webhook',
          port: 443,
          protocol: 'TCP',
          targetPort: 15017,
        },
        {
          name: 'http-monitoring',
          port: 15014,
          protocol: 'TCP',
          targetPort: 15014,
        },
      ],
    },
  });

  upsert(
    api,
    DEPLOYMENTS,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(name, { app: 'istiod', istio: 'pilot' }),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' },
        },
        template: {
          metadata: {
            labels: {
              ...selector,
              istio: 'pilot',
              [INJECT_LABEL]: 'false',
            },
            annotations: { 'prometheus.io/port': '15014' },
          },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name: 'discovery',
                image: imageOf(rev, rev.pilotImageName, 'pilot'),
                args: [
                  'discovery',
                  '--monitoringAddr=:15014',
                  '--log_output_level=default:info',
                  '--domain',
                  'cluster.local',
                  '--keepaliveMaxServerConnectionAge',
                  '30m',
                ],
                env: [
                  { name: 'REVISION', value: rev.revision },
                  { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
                  {
                    name: 'ENABLE_NATIVE_SIDECARS',
                    value: rev.nativeSidecars ? 'true' : 'false',
                  },
                ],
                ports: [
                  { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
                  { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
                  {
                    containerPort: 15017,
                    name: 'https-webhooks',
                    protocol: 'TCP',
                  },
                ],
                readinessProbe: {
                  httpGet: { path: '/ready', port: 8080 },
                  initialDelaySeconds: 1,
                  periodSeconds: 3,
                },
                resources: { requests: { cpu: '10m', memory: '100Mi' } },
              },
            ],
          },
        },
      },
    },
    // An operator re-applies the template but leaves a manual scale alone,
    // so a scaled-down istiod stays down (the dead-injector failure).
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
  applyRevisionWebhook(api, rev, labels);
}

/** Removes what applyControlPlaneRevision created. */
export function deleteControlPlaneRevision(
  api: ClusterApi,
  rev: Pick<ControlPlaneRevision, 'namespace' | 'revision' | 'webhookStyle'>,
): void {
  const name = istiodName(rev.revision);
  deleteIfExists(api, MUTATING_WEBHOOKS, undefined, webhookConfigName(rev));
  deleteIfExists(api, DEPLOYMENTS, rev.namespace, name);
  deleteIfExists(api, SERVICES, rev.namespace, name);
  deleteIfExists(api, SERVICE_ACCOUNTS, rev.namespace, name);
  deleteIfExists(
    api,
    CONFIG_MAPS,
    rev.namespace,
    injectorConfigMapName(rev.revision),
  );
  deleteIfExists(
    api,
    CONFIG_MAPS,
    rev.namespace,
    meshConfigMapName(rev.revision),
  );
}

export interface IstiodControllerOptions {
  /** Revisions installed as `istioctl install --revision` / Helm would. */
  revisions?: ControlPlaneRevision[];
  tags?: RevisionTag[];
}

/**
 * Upstream Istio installed by Helm or istioctl: the revisions and tags are
 * applied once, with nothing reconciling them afterwards. A deleted webhook
 * or scaled-down istiod therefore stays broken, as in a real cluster.
 */
export function startIstiodController(
  api: ClusterApi,
  options: IstiodControllerOptions = {},
): () => void {
  for (const rev of options.revisions ?? []) {
    applyControlPlaneRevision(api, rev);
  }
  for (const tag of options.tags ?? []) {
    applyRevisionTag(api, tag);
  }
  return () => {};
}
