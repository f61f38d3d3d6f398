import { isDns1123Label } from './names';
import type { ServiceEntryRequest } from './types';

/**
 * The name of the ServiceEntry the Sidecar egress editor offers, one per
 * namespace, declaring the namespace's external hosts.
 *
 * @public
 */
export const DEFAULT_SERVICE_ENTRY_NAME = 'external-hosts';

/** @public */
export type ServiceEntryProtocol = NonNullable<ServiceEntryRequest['protocol']>;

/**
 * The port each protocol choice declares. TLS on 443 is the default: the
 * application speaks HTTPS itself and the proxy routes it by SNI.
 *
 * @public
 */
export const SERVICE_ENTRY_PORTS: Record<
  ServiceEntryProtocol,
  { number: number; name: string; protocol: ServiceEntryProtocol }
> = {
  TLS: { number: 443, name: 'tls', protocol: 'TLS' },
  HTTPS: { number: 443, name: 'https', protocol: 'HTTPS' },
  HTTP: { number: 80, name: 'http', protocol: 'HTTP' },
};

/**
 * Why a host cannot be declared in a ServiceEntry for an external service,
 * or undefined when it can: a dotted DNS name such as `api.stripe.com`,
 * without a wildcard (DNS resolution needs a name to resolve) and not a
 * cluster-local name, which the mesh already knows. The backend refuses
 * what this refuses.
 *
 * @public
 */
export function externalHostProblem(
  host: unknown,
  clusterDomain = 'cluster.local',
): string | undefined {
  if (typeof host !== 'string' || host === '') {
    return 'Give an external host name such as api.stripe.com';
  }
  if (host.includes('/')) {
    return `External host "${host}": give the host name alone (api.stripe.com), not an egress host (*/api.stripe.com)`;
  }
  if (host.includes('*')) {
    return `External host "${host}": a ServiceEntry resolved by DNS needs a host name, not a wildcard`;
  }
  const labels = host.split('.');
  if (
    labels.length < 2 ||
    host.length > 253 ||
    labels.some(label => !isDns1123Label(label))
  ) {
    return `External host "${host}": not a dotted DNS name (lowercase letters, digits, - and .)`;
  }
  if (/^\d+$/.test(labels[labels.length - 1])) {
    return `External host "${host}": an IP address; a ServiceEntry resolved by DNS needs a host name`;
  }
  if (
    host.endsWith('.svc') ||
    host === clusterDomain ||
    host.endsWith(`.${clusterDomain}`)
  ) {
    return `External host "${host}": a cluster-local name, which the mesh already knows without a ServiceEntry`;
  }
  return undefined;
}

/**
 * The ServiceEntry declaring external hosts for one namespace: outside the
 * mesh, resolved by DNS, exported to its own namespace only, so other
 * namespaces' routing does not change. The frontend shows it as the backend
 * would create it.
 *
 * @public
 */
export function externalServiceEntry(options: {
  namespace: string;
  hosts: string[];
  name?: string;
  protocol?: ServiceEntryProtocol;
}) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: {
      name: options.name ?? DEFAULT_SERVICE_ENTRY_NAME,
      namespace: options.namespace,
    },
    spec: {
      hosts: [...new Set(options.hosts)],
      exportTo: ['.'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ ...SERVICE_ENTRY_PORTS[options.protocol ?? 'TLS'] }],
    },
  };
}
