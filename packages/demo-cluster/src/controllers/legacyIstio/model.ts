import { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject } from '../../apiserver/types';

/**
 * A control plane from before istiod (Istio 1.0–1.4, Maistra 0.x): separate
 * Deployments in one namespace, with the sidecar injector of its own and no
 * revisions.
 */
export interface LegacyControlPlane {
  /** Usually `istio-system`. */
  namespace: string;
  /** The image tag of every component, e.g. `1.0.6` or `0.9.0`. */
  version: string;
  /** Registry and organisation, e.g. `docker.io/istio`. */
  hub: string;
  /**
   * Image names: upstream 1.0 says `sidecar_injector`/`proxy_init`, Maistra
   * `sidecar-injector`/`proxy-init`, OSSM 1.x the same with `-rhel8`.
   */
  imageStyle: 'istio' | 'maistra' | 'ossm1';
  /**
   * The webhook configuration's name: `istio-sidecar-injector`, or
   * `istio-sidecar-injector-<namespace>` for OSSM 1.x's multitenant meshes.
   */
  webhookName?: string;
  /** The injector webhook's `failurePolicy`. */
  failurePolicy: 'Fail' | 'Ignore';
  /** Which namespaces the webhook selects. */
  namespaceSelector: LabelSelector;
  /** The injector ConfigMap's `policy`. */
  injectionPolicy: 'enabled' | 'disabled';
  /**
   * `neverInjectSelector`/`alwaysInjectSelector` (Istio 1.1 and later);
   * leave undefined for 1.0, whose config has neither key.
   */
  injectSelectors?: {
    never: LabelSelector[];
    always: LabelSelector[];
  };
  /**
   * `app.kubernetes.io/managed-by`, where the installer set it (Helm 2's
   * charts did not: they set `heritage: Tiller`, see `labels`).
   */
  managedBy?: string;
  /** Extra labels on every object. */
  labels?: Record<string, string>;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

export interface LegacyComponent {
  /** Deployment and Service name. */
  name: string;
  /** The chart's `istio` label, which the Services select on. */
  istio: string;
  /** The chart's `app` label. */
  app: string;
  /** The image name under the hub. */
  image: (style: LegacyControlPlane['imageStyle']) => string;
  /** Mixer's `istio-mixer-type`. */
  mixerType?: 'policy' | 'telemetry';
  /** Pilot and Mixer run a proxy of their own beside the main container. */
  proxy?: boolean;
  ports: Array<{ name: string; port: number; targetPort?: number }>;
  /** The main container's name. */
  container: string;
}

/** Mixer runs twice: `istio-policy` (checks) and `istio-telemetry` (reports). */
function mixer(type: 'policy' | 'telemetry'): LegacyComponent {
  return {
    name: `istio-${type}`,
    istio: 'mixer',
    app: type,
    mixerType: type,
    image: () => 'mixer',
    proxy: true,
    container: 'mixer',
    ports: [
      { name: 'grpc-mixer', port: 9091 },
      { name: 'grpc-mixer-mtls', port: 15004 },
      { name: 'http-monitoring', port: 9093 },
      ...(type === 'telemetry' ? [{ name: 'prometheus', port: 42422 }] : []),
    ],
  };
}

/** The Deployments a Helm install of Istio 1.0/1.1 lays out in `istio-system`. */
export const LEGACY_COMPONENTS: LegacyComponent[] = [
  {
    name: 'istio-pilot',
    istio: 'pilot',
    app: 'pilot',
    image: () => 'pilot',
    proxy: true,
    container: 'discovery',
    ports: [
      { name: 'grpc-xds', port: 15010 },
      { name: 'https-xds', port: 15011 },
      { name: 'http-legacy-discovery', port: 8080 },
      { name: 'http-monitoring', port: 9093 },
    ],
  },
  {
    name: 'istio-sidecar-injector',
    istio: 'sidecar-injector',
    app: 'sidecarInjectorWebhook',
    image: style =>
      style === 'istio' ? 'sidecar_injector' : 'sidecar-injector',
    container: 'sidecar-injector-webhook',
    ports: [{ name: 'https-inject', port: 443 }],
  },
  {
    name: 'istio-citadel',
    istio: 'citadel',
    app: 'security',
    image: () => 'citadel',
    container: 'citadel',
    ports: [
      { name: 'grpc-citadel', port: 8060 },
      { name: 'http-monitoring', port: 9093 },
    ],
  },
  {
    name: 'istio-galley',
    istio: 'galley',
    app: 'galley',
    image: () => 'galley',
    container: 'validator',
    ports: [
      { name: 'https-validation', port: 443 },
      { name: 'http-monitoring', port: 9093 },
    ],
  },
  mixer('policy'),
  mixer('telemetry'),
  {
    name: 'istio-ingressgateway',
    istio: 'ingressgateway',
    app: 'istio-ingressgateway',
    image: () => 'proxyv2',
    container: 'istio-proxy',
    ports: [
      { name: 'http2', port: 80 },
      { name: 'https', port: 443 },
    ],
  },
];

export const LEGACY_INJECTOR = 'istio-sidecar-injector';

export function legacyImage(cp: LegacyControlPlane, name: string): string {
  const suffix = cp.imageStyle === 'ossm1' ? '-rhel8' : '';
  return `${cp.hub}/${name}${suffix}:${cp.version}`;
}

export function legacyProxyImage(cp: LegacyControlPlane): string {
  return legacyImage(cp, 'proxyv2');
}

export function legacyProxyInitImage(cp: LegacyControlPlane): string {
  return legacyImage(
    cp,
    cp.imageStyle === 'istio' ? 'proxy_init' : 'proxy-init',
  );
}
