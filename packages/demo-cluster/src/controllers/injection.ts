import { parse as parseYaml } from 'yaml';
import {
  LabelSelector,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ApiError, ClusterApi, KubeObject } from '../apiserver/types';
import {
  CONFIG_MAPS,
  MUTATING_WEBHOOKS,
  NAMESPACES,
  PODS,
  SERVICES,
  controllerOf,
  namespaceLabels,
} from './common';
import { injectorConfigMapName } from './istiod';

/** The fault hook of the demo cluster: an injector can be made unreachable. */
export interface InjectorFaults {
  isInjectorUnreachable(revision: string): boolean;
}

export interface InjectionControllerOptions {
  faults?: InjectorFaults;
}

export const INJECT_KEY = 'sidecar.istio.io/inject';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
const NEVER_INJECTED_NAMESPACES = new Set(['kube-system', 'kube-public']);

interface Webhook {
  name: string;
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  clientConfig?: {
    service?: { name: string; namespace: string; path?: string; port?: number };
    url?: string;
  };
  rules?: Array<{ operations?: string[]; resources?: string[] }>;
}

interface InjectorSettings {
  proxyImage: string;
  nativeSidecars: boolean;
  cni: boolean;
  policy: 'enabled' | 'disabled';
}

// strconv.ParseBool, which Istio uses for the inject label and annotation.
const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_VALUES = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function handlesPodCreate(webhook: Webhook): boolean {
  return (webhook.rules ?? []).some(
    rule =>
      (rule.operations ?? []).some(op => op === 'CREATE' || op === '*') &&
      (rule.resources ?? []).some(r => r === 'pods' || r === '*'),
  );
}

function isReady(pod: KubeObject): boolean {
  const conditions = (
    pod.status as { conditions?: Array<{ type: string; status: string }> }
  )?.conditions;
  return (
    !pod.metadata.deletionTimestamp &&
    !!conditions?.some(c => c.type === 'Ready' && c.status === 'True')
  );
}

/** The workload a pod belongs to, as Istio names it (Deployment, not ReplicaSet). */
function workloadNameOf(pod: KubeObject): string {
  const owner = controllerOf(pod);
  if (owner?.kind === 'ReplicaSet') {
    return owner.name.replace(/-[^-]+$/, '');
  }
  return owner?.name ?? pod.metadata.name ?? pod.metadata.generateName ?? '';
}

/**
 * Sidecar injection as the API server and Istio's injector do it together:
 * every MutatingWebhookConfiguration in the cluster is evaluated (in name
 * order) against the namespace and pod labels; a matching Istio webhook
 * injects the revision named by its configuration's `istio.io/rev` label,
 * subject to the injector's policy and the pod's own opt-in/opt-out. A
 * webhook whose istiod has no ready pod fails the pod creation, as
 * `failurePolicy: Fail` does.
 */
export function startInjectionController(
  api: ClusterApi,
  options: InjectionControllerOptions = {},
): () => void {
  let stopped = false;
  const webhookConfigs = new Map<string, KubeObject>();
  let sortedConfigs: KubeObject[] | undefined;
  // Pods of the namespaces that host injector Services, for readiness checks.
  const podsByNamespace = new Map<string, KubeObject[]>();
  const settingsCache = new Map<
    string,
    { resourceVersion: string; settings: InjectorSettings }
  >();

  for (const config of api.list(MUTATING_WEBHOOKS)) {
    webhookConfigs.set(config.metadata.name!, config);
  }
  const unsubscribe = api.subscribe(event => {
    const { group, plural } = event.resource;
    if (
      group === MUTATING_WEBHOOKS.group &&
      plural === MUTATING_WEBHOOKS.plural
    ) {
      if (event.type === 'DELETED') {
        webhookConfigs.delete(event.object.metadata.name!);
      } else {
        webhookConfigs.set(event.object.metadata.name!, event.object);
      }
      sortedConfigs = undefined;
    } else if (group === '' && plural === 'pods') {
      podsByNamespace.delete(event.object.metadata.namespace!);
    }
  });

  const configsInOrder = () => {
    sortedConfigs ??= [...webhookConfigs.values()].sort((a, b) =>
      a.metadata.name! < b.metadata.name! ? -1 : 1,
    );
    return sortedConfigs;
  };

  const podsIn = (namespace: string) => {
    let pods = podsByNamespace.get(namespace);
    if (!pods) {
      pods = api.list(PODS, { namespace });
      podsByNamespace.set(namespace, pods);
    }
    return pods;
  };

  /** Why the injector cannot be called, or undefined when it can. */
  const unreachableReason = (
    webhook: Webhook,
    revision: string,
  ): string | undefined => {
    const ref = webhook.clientConfig?.service;
    if (!ref) return undefined;
    const url = `https://${ref.name}.${ref.namespace}.svc:${ref.port ?? 443}${
      ref.path ?? '/inject'
    }?timeout=10s`;
    const service = api.get(SERVICES, ref.namespace, ref.name);
    if (!service) {
      return `failed to call webhook: Post "${url}": service "${ref.name}" not found`;
    }
    const spec = service.spec as {
      clusterIP?: string;
      selector?: Record<string, string>;
    };
    const refused = `failed to call webhook: Post "${url}": dial tcp ${
      spec.clusterIP ?? '172.30.0.1'
    }:${ref.port ?? 443}: connect: connection refused`;
    if (options.faults?.isInjectorUnreachable(revision)) {
      return refused;
    }
    const hasEndpoint = podsIn(ref.namespace).some(
      pod =>
        isReady(pod) &&
        matchesLabelSelector(
          { matchLabels: spec.selector ?? {} },
          pod.metadata.labels,
        ) &&
        Object.keys(spec.selector ?? {}).length > 0,
    );
    return hasEndpoint ? undefined : refused;
  };

  const settingsOf = (
    namespace: string,
    revision: string,
  ): InjectorSettings => {
    const configMap = api.get(
      CONFIG_MAPS,
      namespace,
      injectorConfigMapName(revision),
    );
    const key = `${namespace}/${revision}`;
    const cached = settingsCache.get(key);
    if (
      cached &&
      configMap &&
      cached.resourceVersion === configMap.metadata.resourceVersion
    ) {
      return cached.settings;
    }
    const data = (configMap?.data ?? {}) as {
      values?: string;
      config?: string;
    };
    const values = data.values ? JSON.parse(data.values) : {};
    const config = data.config ? parseYaml(data.config) ?? {} : {};
    const hub = values.global?.hub ?? 'docker.io/istio';
    const image = values.global?.proxy?.image ?? 'proxyv2';
    const settings: InjectorSettings = {
      proxyImage: image.includes('/')
        ? image
        : `${hub}/${image}:${values.global?.tag ?? 'latest'}`,
      nativeSidecars: values.pilot?.env?.ENABLE_NATIVE_SIDECARS === 'true',
      cni: values.istio_cni?.enabled === true,
      policy: config.policy === 'disabled' ? 'disabled' : 'enabled',
    };
    if (configMap) {
      settingsCache.set(key, {
        resourceVersion: configMap.metadata.resourceVersion!,
        settings,
      });
    }
    return settings;
  };

  api.addAdmission(PODS, request => {
    if (stopped || request.operation !== 'CREATE') {
      return request.object;
    }
    let pod = request.object;
    const namespace = pod.metadata.namespace!;
    if (
      NEVER_INJECTED_NAMESPACES.has(namespace) ||
      (pod.spec as { hostNetwork?: boolean })?.hostNetwork
    ) {
      return pod;
    }
    const configs = configsInOrder();
    if (configs.length === 0) return pod;
    const nsLabels = namespaceLabels(
      api.get(NAMESPACES, undefined, namespace),
      namespace,
    );
    for (const config of configs) {
      const revision = config.metadata.labels?.['istio.io/rev'] ?? 'default';
      for (const webhook of (config.webhooks ?? []) as Webhook[]) {
        if (
          !webhook.name.endsWith('sidecar-injector.istio.io') ||
          !handlesPodCreate(webhook) ||
          !matchesLabelSelector(webhook.namespaceSelector, nsLabels) ||
          !matchesLabelSelector(webhook.objectSelector, pod.metadata.labels)
        ) {
          continue;
        }
        const reason = unreachableReason(webhook, revision);
        if (reason) {
          if (webhook.failurePolicy === 'Ignore') continue;
          throw new ApiError(
            500,
            'InternalError',
            `Internal error occurred: failed calling webhook "${webhook.name}": ${reason}`,
          );
        }
        const serviceRef = webhook.clientConfig?.service;
        if (!serviceRef) continue;
        pod = injectSidecar(
          pod,
          revision,
          serviceRef,
          settingsOf(serviceRef.namespace, revision),
        );
      }
    }
    return pod;
  });

  return () => {
    stopped = true;
    unsubscribe();
  };
}

function wantsInjection(pod: KubeObject, policy: 'enabled' | 'disabled') {
  // The label wins over the annotation, as in Istio's injector.
  const requested =
    pod.metadata.labels?.[INJECT_KEY] ?? pod.metadata.annotations?.[INJECT_KEY];
  if (requested !== undefined) {
    if (FALSE_VALUES.has(requested)) return false;
    if (TRUE_VALUES.has(requested)) return true;
  }
  return policy === 'enabled';
}

interface Container {
  name: string;
  [field: string]: unknown;
}

const SIDECAR_VOLUMES = [
  { name: 'workload-socket', emptyDir: {} },
  { name: 'credential-socket', emptyDir: {} },
  { name: 'workload-certs', emptyDir: {} },
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  { name: 'istio-data', emptyDir: {} },
  {
    name: 'istio-podinfo',
    downwardAPI: {
      items: [
        { fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' },
        {
          fieldRef: { fieldPath: 'metadata.annotations' },
          path: 'annotations',
        },
      ],
    },
  },
  {
    name: 'istio-token',
    projected: {
      sources: [
        {
          serviceAccountToken: {
            audience: 'istio-ca',
            expirationSeconds: 43200,
            path: 'istio-token',
          },
        },
      ],
    },
  },
  { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
];

const PROXY_MOUNTS = [
  {
    mountPath: '/var/run/secrets/workload-spiffe-uds',
    name: 'workload-socket',
  },
  { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
  {
    mountPath: '/var/run/secrets/workload-spiffe-credentials',
    name: 'workload-certs',
  },
  { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
  { mountPath: '/var/lib/istio/data', name: 'istio-data' },
  { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
  { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
  { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
];

/** Adds the sidecar a revision's injector template would add. */
export function injectSidecar(
  original: KubeObject,
  revision: string,
  istiod: { name: string; namespace: string },
  settings: InjectorSettings,
): KubeObject {
  if (
    original.metadata.annotations?.[STATUS_ANNOTATION] ||
    !wantsInjection(original, settings.policy)
  ) {
    return original;
  }
  const pod = structuredClone(original) as KubeObject & {
    spec: {
      containers?: Container[];
      initContainers?: Container[];
      volumes?: unknown[];
    };
  };
  pod.spec = pod.spec ?? {};
  const labels = pod.metadata.labels ?? {};
  const workloadName = workloadNameOf(pod);
  const canonicalName =
    labels['service.istio.io/canonical-name'] ??
    labels['app.kubernetes.io/name'] ??
    labels.app ??
    workloadName;
  const canonicalRevision =
    labels['service.istio.io/canonical-revision'] ??
    labels['app.kubernetes.io/version'] ??
    labels.version ??
    'latest';
  const appContainers = pod.spec.containers ?? [];

  const proxy: Container = {
    name: 'istio-proxy',
    image: settings.proxyImage,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      {
        name: 'CA_ADDR',
        value: `${istiod.name}.${istiod.namespace}.svc:15012`,
      },
      {
        name: 'POD_NAME',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      },
      {
        name: 'POD_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: workloadName },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021 },
      failureThreshold: 4,
      periodSeconds: 15,
      timeoutSeconds: 3,
    },
    resources: {
      limits: { cpu: '2', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    volumeMounts: PROXY_MOUNTS,
    ...(settings.nativeSidecars ? { restartPolicy: 'Always' } : {}),
  };
  // With Istio CNI the node plugin sets up redirection; the init container
  // only validates it.
  const init: Container = settings.cni
    ? {
        name: 'istio-validation',
        image: settings.proxyImage,
        args: ['istio-iptables', '--run-validation', '--skip-rule-apply'],
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          runAsGroup: 1337,
          runAsNonRoot: true,
          runAsUser: 1337,
        },
      }
    : {
        name: 'istio-init',
        image: settings.proxyImage,
        args: [
          'istio-iptables',
          '-p',
          '15001',
          '-z',
          '15006',
          '-u',
          '1337',
          '-m',
          'REDIRECT',
          '-i',
          '*',
          '-x',
          '',
          '-b',
          '*',
          '-d',
          '15090,15021,15020',
        ],
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
          runAsGroup: 0,
          runAsNonRoot: false,
          runAsUser: 0,
        },
      };

  const initNames = [
    init.name,
    ...(settings.nativeSidecars ? ['istio-proxy'] : []),
  ];
  pod.spec.initContainers = [
    ...(pod.spec.initContainers ?? []),
    init,
    ...(settings.nativeSidecars ? [proxy] : []),
  ];
  if (!settings.nativeSidecars) {
    pod.spec.containers = [...appContainers, proxy];
  }
  pod.spec.volumes = [...(pod.spec.volumes ?? []), ...SIDECAR_VOLUMES];

  pod.metadata.labels = {
    ...labels,
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': canonicalName,
    'service.istio.io/canonical-revision': canonicalRevision,
    'istio.io/rev': revision,
  };
  const defaultContainer = appContainers[0]?.name;
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    ...(defaultContainer
      ? {
          'kubectl.kubernetes.io/default-container': defaultContainer,
          'kubectl.kubernetes.io/default-logs-container': defaultContainer,
        }
      : {}),
    'istio.io/rev': revision,
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/interceptionMode': 'REDIRECT',
    [STATUS_ANNOTATION]: JSON.stringify({
      initContainers: initNames,
      containers: settings.nativeSidecars ? null : ['istio-proxy'],
      volumes: SIDECAR_VOLUMES.map(v => v.name),
      imagePullSecrets: null,
      revision,
    }),
  };
  return pod;
}
