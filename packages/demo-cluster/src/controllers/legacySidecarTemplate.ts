import { createHash } from 'node:crypto';
import { SIDECAR_STATUS_ANNOTATION as STATUS_ANNOTATION } from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject } from '../apiserver/types';
import type { InjectorSettings } from './sidecarTemplate';

interface Container {
  name: string;
  [field: string]: unknown;
}

const LEGACY_VOLUMES = [
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  // Citadel writes each service account's certificate to `istio.<sa>`.
  { name: 'istio-certs', secretName: 'istio.default' },
];

/**
 * The sidecar of the separate `istio-sidecar-injector` (Istio 1.0–1.4,
 * Maistra 0.x): `istio-init` with iptables arguments, `istio-proxy` talking
 * to `istio-pilot`, the certificates from Citadel's secret, and a status
 * annotation without a revision. Unlike istiod's template, it sets no
 * `istio.io/rev` or `security.istio.io/tlsMode` labels.
 */
export function injectLegacySidecar(
  original: KubeObject,
  settings: InjectorSettings,
): KubeObject {
  const pod = structuredClone(original) as KubeObject & {
    spec: {
      containers?: Container[];
      initContainers?: Container[];
      volumes?: unknown[];
      serviceAccountName?: string;
    };
  };
  pod.spec = pod.spec ?? {};
  const serviceAccount = pod.spec.serviceAccountName ?? 'default';
  const appContainers = pod.spec.containers ?? [];
  const appPorts = appContainers
    .flatMap(
      c => (c.ports as Array<{ containerPort?: number }> | undefined) ?? [],
    )
    .map(p => p.containerPort)
    .filter((port): port is number => typeof port === 'number');
  const serviceCluster = pod.metadata.labels?.app ?? 'istio-proxy';

  const init: Container = {
    name: 'istio-init',
    image: settings.proxyInitImage ?? settings.proxyImage,
    args: [
      '-p',
      '15001',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      appPorts.join(','),
      '-d',
      '',
    ],
    imagePullPolicy: 'IfNotPresent',
    securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: true },
  };
  const proxy: Container = {
    name: 'istio-proxy',
    image: settings.proxyImage,
    args: [
      'proxy',
      'sidecar',
      '--configPath',
      '/etc/istio/proxy',
      '--binaryPath',
      '/usr/local/bin/envoy',
      '--serviceCluster',
      serviceCluster,
      '--drainDuration',
      '45s',
      '--parentShutdownDuration',
      '1m0s',
      '--discoveryAddress',
      settings.discoveryAddress ?? 'istio-pilot.istio-system:15007',
      '--discoveryRefreshDelay',
      '1s',
      '--zipkinAddress',
      'zipkin.istio-system:9411',
      '--connectTimeout',
      '10s',
      '--proxyAdminPort',
      '15000',
      '--controlPlaneAuthPolicy',
      'NONE',
    ],
    env: [
      {
        name: 'POD_NAME',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      },
      {
        name: 'POD_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      {
        name: 'INSTANCE_IP',
        valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
      },
      {
        name: 'ISTIO_META_POD_NAME',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      },
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
    ],
    imagePullPolicy: 'IfNotPresent',
    resources: { requests: { cpu: '10m' } },
    securityContext: { readOnlyRootFilesystem: true, runAsUser: 1337 },
    volumeMounts: [
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/etc/certs/', name: 'istio-certs', readOnly: true },
    ],
  };
  const volumes = LEGACY_VOLUMES.map(v =>
    v.name === 'istio-certs'
      ? {
          name: v.name,
          secret: { optional: true, secretName: `istio.${serviceAccount}` },
        }
      : v,
  );
  pod.spec.initContainers = [...(pod.spec.initContainers ?? []), init];
  pod.spec.containers = [...appContainers, proxy];
  pod.spec.volumes = [...(pod.spec.volumes ?? []), ...volumes];
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    [STATUS_ANNOTATION]: JSON.stringify({
      // The injector's hash of its template and mesh config.
      version: createHash('sha256')
        .update(`${settings.proxyImage}|${settings.discoveryAddress ?? ''}`)
        .digest('hex'),
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: volumes.map(v => v.name),
      imagePullSecrets: null,
    }),
  };
  return pod;
}
