import type { MeshLinks } from '@mesh-backstage/plugin-service-mesh-common';
import type { Ingress, Route } from './kube';
import { inNamespace, type ClusterSnapshot } from './snapshot';

/** Base URLs of the mesh add-ons of one control plane. */
export interface LinkBases {
  kiali?: string;
  jaeger?: string;
  grafana?: string;
  /** Istio 1.0–1.4 and Maistra 0.x ship Servicegraph before Kiali replaced it. */
  servicegraph?: string;
}

const ADDON_NAMES: Record<keyof LinkBases, string[]> = {
  kiali: ['kiali'],
  jaeger: ['jaeger', 'tracing', 'jaeger-query'],
  grafana: ['grafana'],
  servicegraph: ['servicegraph'],
};

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Kiali's console root: `<base>/console`, whether the base is the host or `/kiali`. */
export function kialiConsole(base: string): string {
  const trimmed = trimSlash(base);
  return trimmed.endsWith('/console') ? trimmed : `${trimmed}/console`;
}

const enc = encodeURIComponent;

export function kialiGraphUrl(base: string, namespaces: string[]): string {
  return `${kialiConsole(base)}/graph/namespaces/?namespaces=${namespaces
    .map(enc)
    .join(',')}&graphType=versionedApp`;
}

export function kialiWorkloadUrl(
  base: string,
  namespace: string,
  workload: string,
) {
  return `${kialiConsole(base)}/namespaces/${enc(namespace)}/workloads/${enc(
    workload,
  )}`;
}

export function kialiServiceUrl(
  base: string,
  namespace: string,
  service: string,
) {
  return `${kialiConsole(base)}/namespaces/${enc(namespace)}/services/${enc(
    service,
  )}`;
}

export function kialiApplicationUrl(
  base: string,
  namespace: string,
  app: string,
) {
  return `${kialiConsole(base)}/namespaces/${enc(namespace)}/applications/${enc(
    app,
  )}`;
}

export function kialiSidecarUrl(base: string, namespace: string, name: string) {
  return `${kialiConsole(base)}/namespaces/${enc(
    namespace,
  )}/istio/networking.istio.io/v1/Sidecar/${enc(name)}`;
}

/** Jaeger search for a service, which Istio names `<app>.<namespace>`. */
export function jaegerSearchUrl(base: string, app: string, namespace: string) {
  return `${trimSlash(base)}/search?service=${enc(
    `${app}.${namespace}`,
  )}&lookback=1h`;
}

/** Servicegraph's force-directed graph of the services that had traffic. */
export function servicegraphUrl(base: string): string {
  return `${trimSlash(
    base,
  )}/force/forcegraph.html?time_horizon=15m&filter_empty=true`;
}

/** Grafana's dashboard search for the Istio dashboards. */
export function grafanaDashboardsUrl(base: string): string {
  return `${trimSlash(base)}/dashboards?query=${enc('Istio')}`;
}

/** Grafana's Istio workload dashboard (uid fixed by the dashboards Istio ships). */
export function grafanaWorkloadUrl(
  base: string,
  namespace: string,
  workload: string,
) {
  return `${trimSlash(
    base,
  )}/d/UbsSZTDik/istio-workload-dashboard?var-namespace=${enc(
    namespace,
  )}&var-workload=${enc(workload)}`;
}

export function routeUrl(route: Route): string | undefined {
  if (!route.spec.host) {
    return undefined;
  }
  const scheme = route.spec.tls ? 'https' : 'http';
  return `${scheme}://${route.spec.host}${trimSlash(route.spec.path ?? '')}`;
}

function ingressUrl(
  ingress: Ingress,
  serviceNames: string[],
): string | undefined {
  for (const rule of ingress.spec.rules ?? []) {
    if (!rule.host) {
      continue;
    }
    const path = rule.http?.paths.find(
      p =>
        serviceNames.includes(p.backend.service?.name ?? '') ||
        serviceNames.includes(ingress.metadata.name),
    );
    if (path || serviceNames.includes(ingress.metadata.name)) {
      const tls = (ingress.spec.tls ?? []).some(t =>
        t.hosts?.includes(rule.host!),
      );
      const suffix =
        path?.path && path.path !== '/' ? trimSlash(path.path) : '';
      return `${tls ? 'https' : 'http'}://${rule.host}${suffix}`;
    }
  }
  return undefined;
}

/**
 * Add-on URLs found in a control-plane namespace: OpenShift Routes named
 * after the add-on (or pointing at its service), then Ingresses.
 */
export function discoverLinkBases(
  snapshot: ClusterSnapshot,
  controlPlaneNamespace: string,
): LinkBases {
  const routes = inNamespace(snapshot.routes, controlPlaneNamespace);
  const ingresses = inNamespace(snapshot.ingresses, controlPlaneNamespace);
  const bases: LinkBases = {};
  for (const addon of Object.keys(ADDON_NAMES) as (keyof LinkBases)[]) {
    const names = ADDON_NAMES[addon];
    const route = names
      .map(n =>
        routes.find(r => r.metadata.name === n || r.spec.to?.name === n),
      )
      .find(Boolean);
    bases[addon] =
      (route && routeUrl(route)) ??
      ingresses.map(i => ingressUrl(i, names)).find(Boolean);
  }
  return bases;
}

/** Configured bases win; discovered ones fill the gaps. */
export function mergeLinkBases(
  configured: LinkBases | undefined,
  discovered: LinkBases,
): LinkBases {
  return {
    kiali: configured?.kiali ?? discovered.kiali,
    jaeger: configured?.jaeger ?? discovered.jaeger,
    grafana: configured?.grafana ?? discovered.grafana,
    servicegraph: configured?.servicegraph ?? discovered.servicegraph,
  };
}

export function namespaceLinks(
  bases: LinkBases,
  namespaces: string[],
): MeshLinks {
  return {
    kiali: bases.kiali ? kialiGraphUrl(bases.kiali, namespaces) : undefined,
    jaeger: bases.jaeger ? `${trimSlash(bases.jaeger)}/search` : undefined,
    grafana: bases.grafana ? grafanaDashboardsUrl(bases.grafana) : undefined,
    servicegraph: bases.servicegraph
      ? servicegraphUrl(bases.servicegraph)
      : undefined,
  };
}

export function workloadLinks(
  bases: LinkBases,
  namespace: string,
  workload: string,
  app: string | undefined,
): MeshLinks {
  return {
    kiali: bases.kiali
      ? kialiWorkloadUrl(bases.kiali, namespace, workload)
      : undefined,
    jaeger:
      bases.jaeger && app
        ? jaegerSearchUrl(bases.jaeger, app, namespace)
        : undefined,
    grafana: bases.grafana
      ? grafanaWorkloadUrl(bases.grafana, namespace, workload)
      : undefined,
  };
}
