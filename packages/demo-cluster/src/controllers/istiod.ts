import { stringify as toYaml } from 'yaml';
import { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, KubeObject } from '../apiserver/types';
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
} from './common';

/** One istiod revision: what `istioctl install --revision` or an operator sets up. */
export interface ControlPlaneRevision {
  /** The control-plane namespace, e.g. `istio-system`. */
  namespace: string;
  /** The revision name; `default` is the unnamed default revision. */
  revision: string;
  /** Image tag of pilot and proxyv2, e.g. `1.24.3` or `2.5.2`. */
  version: string;
  /** Image registry and organisation, e.g. `docker.io/istio`. */
  hub?: string;
  /** Image names under the hub (OSSM uses `-rhel8`/`-rhel9` names). */
  pilotImageName?: string;
  proxyImageName?: string;
  /** Inject `istio-proxy` as a native sidecar (an init container with restartPolicy Always). */
  nativeSidecars?: boolean;
  /** With Istio CNI the pod gets `istio-validation` instead of `istio-init`. */
  cni?: boolean;
  /**
   * `enabled`: inject every pod the webhook selects unless it opts out.
   * `disabled`: inject only pods asking with `sidecar.istio.io/inject: "true"` (OSSM 2).
   */
  injectionPolicy?: 'enabled' | 'disabled';
  /**
   * `istio`: Istio's revision webhooks on `istio-injection` / `istio.io/rev`.
   * `maistra`: OSSM 2's webhook on `maistra.io/member-of=<namespace>`.
   */
  webhookStyle?: 'istio' | 'maistra';
  discoverySelectors?: LabelSelector[];
  /** Who manages these objects (`Helm`, `sail-operator`, `maistra-istio-operator`). */
  managedBy?: string;
  /** Extra labels on every object (e.g. Maistra's owner labels). */
  labels?: Record<string, string>;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

export interface RevisionTag {
  tag: string;
  /** The revision the tag points at. */
  revision: string;
  /** The namespace of that revision's istiod. */
  namespace: string;
  managedBy?: string;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

const INJECTION_LABEL = 'istio-injection';
const REV_LABEL = 'istio.io/rev';
const INJECT_LABEL = 'sidecar.istio.io/inject';

export function istiodName(revision: string): string {
  return revision === 'default' ? 'istiod' : `istiod-${revision}`;
}

function suffixed(base: string, revision: string): string {
  return revision === 'default' ? base : `${base}-${revision}`;
}

export function injectorConfigMapName(revision: string): string {
  return suffixed('istio-sidecar-injector', revision);
}

export function webhookConfigName(
  rev: Pick<ControlPlaneRevision, 'namespace' | 'revision' | 'webhookStyle'>,
): string {
  return rev.webhookStyle === 'maistra'
    ? `istiod-${rev.revision}-${rev.namespace}`
    : suffixed('istio-sidecar-injector', rev.revision);
}

export function tagWebhookConfigName(tag: string): string {
  return `istio-revision-tag-${tag}`;
}

function imageOf(
  rev: ControlPlaneRevision,
  name: string | undefined,
  fallback: string,
) {
  return `${rev.hub ?? 'docker.io/istio'}/${name ?? fallback}:${rev.version}`;
}

export function proxyImageOf(rev: ControlPlaneRevision): string {
  return imageOf(rev, rev.proxyImageName, 'proxyv2');
}

const requirement = (
  key: string,
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
  values?: string[],
) => ({ key, operator, ...(values ? { values } : {}) });

/**
 * The webhooks Istio registers for a revision (or tag) value: namespaces
 * labelled `istio.io/rev=<value>`, pods labelled so in unlabelled namespaces,
 * and for `default` also `istio-injection=enabled` and
 * `sidecar.istio.io/inject=true` pods. `istio-injection` wins over
 * `istio.io/rev` because the revision webhooks require it to be absent.
 */
function istioWebhooks(value: string, service: Record<string, unknown>) {
  const common = {
    admissionReviewVersions: ['v1'],
    clientConfig: { service },
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    reinvocationPolicy: 'Never',
    rules: [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        operations: ['CREATE'],
        resources: ['pods'],
        scope: '*',
      },
    ],
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
  const webhooks = [
    {
      name: 'rev.namespace.sidecar-injector.istio.io',
      ...common,
      namespaceSelector: {
        matchExpressions: [
          requirement(REV_LABEL, 'In', [value]),
          requirement(INJECTION_LABEL, 'DoesNotExist'),
        ],
      },
      objectSelector: {
        matchExpressions: [requirement(INJECT_LABEL, 'NotIn', ['false'])],
      },
    },
    {
      name: 'rev.object.sidecar-injector.istio.io',
      ...common,
      namespaceSelector: {
        matchExpressions: [
          requirement(REV_LABEL, 'DoesNotExist'),
          requirement(INJECTION_LABEL, 'DoesNotExist'),
        ],
      },
      objectSelector: {
        matchExpressions: [
          requirement(INJECT_LABEL, 'NotIn', ['false']),
          requirement(REV_LABEL, 'In', [value]),
        ],
      },
    },
  ];
  if (value === 'default') {
    webhooks.push(
      {
        name: 'namespace.sidecar-injector.istio.io',
        ...common,
        namespaceSelector: {
          matchExpressions: [requirement(INJECTION_LABEL, 'In', ['enabled'])],
        },
        objectSelector: {
          matchExpressions: [requirement(INJECT_LABEL, 'NotIn', ['false'])],
        },
      },
      {
        name: 'object.sidecar-injector.istio.io',
        ...common,
        namespaceSelector: {
          matchExpressions: [
            requirement(INJECTION_LABEL, 'DoesNotExist'),
            requirement(REV_LABEL, 'DoesNotExist'),
          ],
        },
        objectSelector: {
          matchExpressions: [
            requirement(INJECT_LABEL, 'In', ['true']),
            requirement(REV_LABEL, 'DoesNotExist'),
          ],
        },
      },
    );
  }
  return webhooks;
}

/** OSSM 2 selects member namespaces; the per-pod decision is the injector policy's. */
function maistraWebhooks(
  controlPlaneNamespace: string,
  service: Record<string, unknown>,
) {
  return [
    {
      name: 'sidecar-injector.istio.io',
      admissionReviewVersions: ['v1beta1', 'v1'],
      clientConfig: { service },
      failurePolicy: 'Fail',
      matchPolicy: 'Exact',
      reinvocationPolicy: 'Never',
      namespaceSelector: {
        matchLabels: { 'maistra.io/member-of': controlPlaneNamespace },
      },
      objectSelector: {
        matchExpressions: [requirement(INJECT_LABEL, 'NotIn', ['false'])],
      },
      rules: [
        {
          apiGroups: [''],
          apiVersions: ['v1'],
          operations: ['CREATE'],
          resources: ['pods'],
          scope: '*',
        },
      ],
      sideEffects: 'None',
      timeoutSeconds: 10,
    },
  ];
}

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

function webhookService(namespace: string, revision: string) {
  return { name: istiodName(revision), namespace, path: '/inject', port: 443 };
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
    metadata: metadata(suffixed('istio', rev.revision), { app: 'istiod' }),
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

  const service = webhookService(rev.namespace, rev.revision);
  upsert(
    api,
    MUTATING_WEBHOOKS,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: webhookConfigName(rev),
        labels: {
          ...labels,
          app: 'sidecar-injector',
          'istio.io/owned-by': rev.managedBy ?? 'Helm',
        },
        ...(rev.ownerReferences
          ? { ownerReferences: rev.ownerReferences }
          : {}),
      },
      webhooks:
        rev.webhookStyle === 'maistra'
          ? maistraWebhooks(rev.namespace, service)
          : istioWebhooks(rev.revision, service),
    },
    replaceWebhooks,
  );
}

function replaceWebhooks(existing: KubeObject, desired: KubeObject) {
  return {
    ...existing,
    metadata: { ...existing.metadata, labels: desired.metadata.labels },
    webhooks: desired.webhooks,
  };
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
    suffixed('istio', rev.revision),
  );
}

/** `istioctl tag set <tag> --revision <revision>`: a webhook on `istio.io/rev=<tag>`. */
export function applyRevisionTag(api: ClusterApi, tag: RevisionTag): void {
  upsert(
    api,
    MUTATING_WEBHOOKS,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: tagWebhookConfigName(tag.tag),
        labels: {
          app: 'sidecar-injector',
          'istio.io/tag': tag.tag,
          [REV_LABEL]: tag.revision,
          [MANAGED_BY_LABEL]: tag.managedBy ?? 'istioctl',
        },
        ...(tag.ownerReferences
          ? { ownerReferences: tag.ownerReferences }
          : {}),
      },
      webhooks: istioWebhooks(
        tag.tag,
        webhookService(tag.namespace, tag.revision),
      ),
    },
    replaceWebhooks,
  );
}

export function deleteRevisionTag(api: ClusterApi, tag: string): void {
  deleteIfExists(api, MUTATING_WEBHOOKS, undefined, tagWebhookConfigName(tag));
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
