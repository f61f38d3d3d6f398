import type { IstioSidecar, Service } from './kube';

/*
 * What a Sidecar's egress lets a proxy see. Hosts are `namespace/dnsName`:
 * the namespace part is a name, `.` (the Sidecar's own namespace), `*` (any)
 * or `~` (none); the DNS part is an FQDN, `*`, or `*.<suffix>`.
 */

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

// The host rules are shared with the frontend, which checks them as the
// user types.
export {
  defaultEgressHosts,
  egressHostProblem,
} from '@mesh-backstage/plugin-service-mesh-common';

function dnsMatches(pattern: string, fqdn: string): boolean {
  if (pattern === '*') {
    return true;
  }
  if (pattern.startsWith('*.')) {
    return fqdn.endsWith(pattern.slice(1));
  }
  return pattern === fqdn;
}

/** Whether an egress host lets a Sidecar in `sidecarNamespace` see a service. */
export function egressHostAllows(
  host: string,
  sidecarNamespace: string,
  service: Service,
  clusterDomain = DEFAULT_CLUSTER_DOMAIN,
): boolean {
  const slash = host.indexOf('/');
  if (slash < 0) {
    return false;
  }
  const ns = host.slice(0, slash);
  const serviceNamespace = service.metadata.namespace;
  const namespaceOk =
    ns === '*' ||
    (ns === '.' && serviceNamespace === sidecarNamespace) ||
    ns === serviceNamespace;
  const fqdn = `${service.metadata.name}.${serviceNamespace}.svc.${clusterDomain}`;
  return namespaceOk && dnsMatches(host.slice(slash + 1), fqdn);
}

export function countVisibleServices(
  services: Service[],
  egressHosts: string[],
  sidecarNamespace: string,
  clusterDomain?: string,
): number {
  return services.filter(service =>
    egressHosts.some(host =>
      egressHostAllows(host, sidecarNamespace, service, clusterDomain),
    ),
  ).length;
}

export function egressHostsOf(sidecar: IstioSidecar): string[] {
  return [...new Set((sidecar.spec?.egress ?? []).flatMap(e => e.hosts ?? []))];
}

/**
 * The Sidecar that applies to a namespace's workloads by default: its own
 * selector-less Sidecar, else the selector-less one in the root
 * (control-plane) namespace.
 */
export function namespaceDefaultSidecar(
  sidecars: IstioSidecar[] | undefined,
  namespace: string,
  rootNamespace: string | undefined,
): IstioSidecar | undefined {
  const selectorless = (sidecars ?? []).filter(
    s => !s.spec?.workloadSelector?.labels,
  );
  const own = selectorless
    .filter(s => s.metadata.namespace === namespace)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))[0];
  return (
    own ??
    (rootNamespace
      ? selectorless.find(s => s.metadata.namespace === rootNamespace)
      : undefined)
  );
}
