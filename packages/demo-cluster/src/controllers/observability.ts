import { ClusterApi, KubeObject } from '../apiserver/types';
import {
  DEPLOYMENTS,
  INGRESSES,
  MANAGED_BY_LABEL,
  ROUTES,
  SERVICES,
  clusterIpFor,
  deleteIfExists,
  rfc3339,
  upsert,
  writeStatus,
} from './common';

export type Addon =
  | 'kiali'
  | 'jaeger'
  | 'tracing'
  | 'grafana'
  | 'prometheus'
  | 'servicegraph';

export interface AddonsOptions {
  /** The control-plane namespace the add-ons live in. */
  namespace: string;
  addons: Addon[];
  /** OpenShift Routes (OSSM) or Ingresses (upstream Istio). */
  exposure: 'route' | 'ingress';
  /** Default `apps.demo.example.com` (routes) / `demo.example.com` (ingresses). */
  domain?: string;
  /** Red Hat images (OSSM) instead of the upstream ones. */
  redHatImages?: boolean;
  /** Images of the add-ons an older release shipped (e.g. Istio 1.0's Grafana 5). */
  images?: Partial<Record<Addon, string>>;
  managedBy?: string;
  labels?: Record<string, string>;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

interface AddonShape {
  /** Service name (the Route/Ingress is named after the add-on). */
  service: string;
  port: number;
  portName: string;
  image: string;
  redHatImage: string;
  /** Path the UI is served under behind an Ingress. */
  ingressPath: string;
}

const ADDONS: Record<Addon, AddonShape> = {
  kiali: {
    service: 'kiali',
    port: 20001,
    portName: 'http',
    image: 'quay.io/kiali/kiali:v2.4.0',
    redHatImage: 'registry.redhat.io/openshift-service-mesh/kiali-rhel8:1.73.9',
    ingressPath: '/kiali',
  },
  jaeger: {
    service: 'jaeger-query',
    port: 16686,
    portName: 'http-query',
    image: 'docker.io/jaegertracing/all-in-one:1.62.0',
    redHatImage: 'registry.redhat.io/rhosdt/jaeger-all-in-one-rhel8:1.57.0',
    ingressPath: '/jaeger',
  },
  tracing: {
    service: 'tracing',
    port: 80,
    portName: 'http-query',
    image: 'docker.io/jaegertracing/all-in-one:1.62.0',
    redHatImage: 'registry.redhat.io/rhosdt/jaeger-all-in-one-rhel8:1.57.0',
    ingressPath: '/jaeger',
  },
  grafana: {
    service: 'grafana',
    port: 3000,
    portName: 'http',
    image: 'docker.io/grafana/grafana:11.3.1',
    redHatImage:
      'registry.redhat.io/openshift-service-mesh/grafana-rhel8:2.5.2',
    ingressPath: '/grafana',
  },
  // Istio's own dependency graph UI, up to 1.1 (Kiali replaced it).
  servicegraph: {
    service: 'servicegraph',
    port: 8088,
    portName: 'http',
    image: 'docker.io/istio/servicegraph:1.0.6',
    redHatImage: 'docker.io/istio/servicegraph:1.0.6',
    ingressPath: '/force/forcegraph.html',
  },
  prometheus: {
    service: 'prometheus',
    port: 9090,
    portName: 'http-prometheus',
    image: 'docker.io/prom/prometheus:v2.54.1',
    redHatImage:
      'registry.redhat.io/openshift-service-mesh/prometheus-rhel8:2.5.2',
    ingressPath: '/prometheus',
  },
};

/** The app label of an add-on's pods (the Jaeger UI runs in `jaeger`). */
function appOf(addon: Addon): string {
  return addon === 'tracing' ? 'jaeger' : addon;
}

export function addonHost(
  addon: Addon,
  namespace: string,
  exposure: 'route' | 'ingress',
  domain?: string,
): string {
  return exposure === 'route'
    ? `${addon}-${namespace}.${domain ?? 'apps.demo.example.com'}`
    : `${addon}.${namespace}.${domain ?? 'demo.example.com'}`;
}

/**
 * Kiali, Jaeger, Grafana and Prometheus in the control-plane namespace:
 * Deployment and Service each, exposed by an OpenShift Route (as the OSSM
 * operator does) or an Ingress (a typical upstream install), so that
 * clients can discover the links.
 */
export function applyObservabilityAddons(
  api: ClusterApi,
  options: AddonsOptions,
): void {
  const { namespace } = options;
  for (const addon of options.addons) {
    const shape = ADDONS[addon];
    const app = appOf(addon);
    const labels = {
      app,
      [MANAGED_BY_LABEL]: options.managedBy ?? 'Helm',
      ...options.labels,
    };
    const metadata = (name: string) => ({
      name,
      namespace,
      labels,
      ...(options.ownerReferences
        ? { ownerReferences: options.ownerReferences }
        : {}),
    });
    // Jaeger's query Service for both `jaeger` and `tracing` fronts one Deployment.
    upsert(api, DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(app),
      spec: {
        replicas: 1,
        selector: { matchLabels: { app } },
        template: {
          metadata: {
            labels: { app, 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            containers: [
              {
                name: app,
                image:
                  options.images?.[addon] ??
                  (options.redHatImages ? shape.redHatImage : shape.image),
                ports: [{ containerPort: shape.port, name: shape.portName }],
              },
            ],
          },
        },
      },
    });
    upsert(api, SERVICES, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(shape.service),
      spec: {
        type: 'ClusterIP',
        clusterIP: clusterIpFor(namespace, shape.service),
        selector: { app },
        ports: [
          {
            name: shape.portName,
            port: shape.port,
            protocol: 'TCP',
            targetPort: addon === 'tracing' ? 16686 : shape.port,
          },
        ],
      },
    });
    if (addon === 'prometheus') continue;
    const host = addonHost(addon, namespace, options.exposure, options.domain);
    if (options.exposure === 'route') {
      const route = upsert(api, ROUTES, {
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: {
          ...metadata(addon),
          annotations: { 'openshift.io/host.generated': 'true' },
        },
        spec: {
          host,
          to: { kind: 'Service', name: shape.service, weight: 100 },
          port: { targetPort: shape.portName },
          tls: {
            termination: 'reencrypt',
            insecureEdgeTerminationPolicy: 'Redirect',
          },
          wildcardPolicy: 'None',
        },
      });
      writeStatus(api, ROUTES, route, {
        ingress: [
          {
            host,
            routerName: 'default',
            routerCanonicalHostname: `router-default.${
              options.domain ?? 'apps.demo.example.com'
            }`,
            wildcardPolicy: 'None',
            conditions: [
              {
                type: 'Admitted',
                status: 'True',
                lastTransitionTime:
                  (
                    route.status as {
                      ingress?: Array<{
                        conditions?: Array<{ lastTransitionTime?: string }>;
                      }>;
                    }
                  )?.ingress?.[0]?.conditions?.[0]?.lastTransitionTime ??
                  rfc3339(),
              },
            ],
          },
        ],
      });
    } else {
      const ingress = upsert(api, INGRESSES, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: metadata(addon),
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host,
              http: {
                paths: [
                  {
                    path: shape.ingressPath,
                    pathType: 'Prefix',
                    backend: {
                      service: {
                        name: shape.service,
                        port: { number: shape.port },
                      },
                    },
                  },
                ],
              },
            },
          ],
        },
      });
      writeStatus(api, INGRESSES, ingress, {
        loadBalancer: { ingress: [{ ip: '127.0.0.1' }] },
      });
    }
  }
}

export function deleteObservabilityAddons(
  api: ClusterApi,
  namespace: string,
  addons: Addon[],
): void {
  for (const addon of addons) {
    deleteIfExists(api, ROUTES, namespace, addon);
    deleteIfExists(api, INGRESSES, namespace, addon);
    deleteIfExists(api, SERVICES, namespace, ADDONS[addon].service);
    deleteIfExists(api, DEPLOYMENTS, namespace, appOf(addon));
  }
}
