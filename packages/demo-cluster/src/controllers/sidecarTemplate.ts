import {
  ISTIO_REVISION_LABEL,
  SIDECAR_STATUS_ANNOTATION as STATUS_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject } from '../apiserver/types';
import { controllerOf } from './common';
import { InjectionPolicy, injectionRequired } from './injectionPolicy';
import { injectLegacySidecar } from './legacySidecarTemplate';

/** What a revision's injector ConfigMap says about the sidecar it adds. */
export interface InjectorSettings extends InjectionPolicy {
  proxyImage: string;
  nativeSidecars: boolean;
  cni: boolean;
  /**
   * `istiod`: the template of istiod (1.5 and later). `legacy`: that of the
   * separate `istio-sidecar-injector` of Istio 1.0–1.4 and Maistra 0.x.
   */
  layout: 'istiod' | 'legacy';
  /** `legacy` only: the `istio-init` image (1.0 had its own `proxy_init`). */
  proxyInitImage?: string;
  /** `legacy` only: pilot's address, as the template's `--discoveryAddress`. */
  discoveryAddress?: string;
}

/** The workload a pod belongs to, as Istio names it (Deployment, not ReplicaSet). */
function workloadNameOf(pod: KubeObject): string {
  const owner = controllerOf(pod);
  if (owner?.kind === 'ReplicaSet') {
    return owner.name.replace(/-[^-]+$/, '');
  }
  return owner?.name ?? pod.metadata.name ?? pod.metadata.generateName ?? '';
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

/** A pod that already carries the proxy (e.g. a copied spec) is not injected twice. */
function hasProxyContainer(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as {
    containers?: Container[];
    initContainers?: Container[];
  };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some(
    container => container.name === 'istio-proxy',
  );
}

/** Adds the sidecar a revision's injector template would add. */
export function injectSidecar(
  original: KubeObject,
  revision: string,
  istiod: { name: string; namespace: string },
  settings: InjectorSettings,
): KubeObject {
  if (
    original.metadata.annotations?.[STATUS_ANNOTATION] ||
    hasProxyContainer(original) ||
    !injectionRequired(original.metadata, settings)
  ) {
    return original;
  }
  if (settings.layout === 'legacy') {
    return injectLegacySidecar(original, settings);
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
    [ISTIO_REVISION_LABEL]: revision,
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
    [ISTIO_REVISION_LABEL]: revision,
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
