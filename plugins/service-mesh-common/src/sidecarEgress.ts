import { isDns1123Label } from './names';

const NAMESPACE_WILDCARDS = ['.', '*', '~'];

/**
 * Why a Sidecar egress host is invalid, or undefined when it is valid:
 * `namespace/dnsName`, where namespace is `.` (the Sidecar's own), `*` (any),
 * `~` (none) or a namespace name, and dnsName is `*`, `*.suffix` or a DNS
 * name. The backend refuses what this refuses, and the frontend says so as
 * the user types.
 *
 * @public
 */
export function egressHostProblem(host: unknown): string | undefined {
  if (typeof host !== 'string' || host.trim() === '') {
    return 'Enter an egress host such as payments/* or ./reviews.bookinfo.svc.cluster.local';
  }
  const slash = host.indexOf('/');
  if (slash < 0) {
    const suggestion = suggestedEgressHost(host);
    return suggestion
      ? `Egress host "${host}": use namespace/dnsName; for a host in any namespace or outside the cluster, that is ${suggestion}`
      : `Egress host "${host}": use namespace/dnsName, such as payments/* or ./*`;
  }
  const namespace = host.slice(0, slash);
  const dnsName = host.slice(slash + 1);
  if (!NAMESPACE_WILDCARDS.includes(namespace) && !isDns1123Label(namespace)) {
    return `Egress host "${host}": "${namespace}" is not a namespace name (lowercase letters, digits and -), ".", "*" or "~"`;
  }
  if (dnsName === '*') {
    return undefined;
  }
  const labels = (dnsName.startsWith('*.') ? dnsName.slice(2) : dnsName).split(
    '.',
  );
  if (
    dnsName === '' ||
    dnsName.length > 253 ||
    labels.some(label => !isDns1123Label(label))
  ) {
    return `Egress host "${host}": "${dnsName}" is not a DNS name, "*" or "*.domain"`;
  }
  return undefined;
}

/**
 * The hosts a new namespace-wide Sidecar starts from: its own namespace and
 * the control plane, the common egress that cuts sidecar memory.
 *
 * @public
 */
export function defaultEgressHosts(controlPlaneNamespace?: string): string[] {
  return controlPlaneNamespace
    ? ['./*', `${controlPlaneNamespace}/*`]
    : ['./*'];
}

/**
 * The part of an egress host after the namespace: `api.stripe.com` in
 * `*\/api.stripe.com`.
 *
 * @public
 */
export function dnsNameOf(host: string): string {
  const slash = host.indexOf('/');
  return slash < 0 ? host : host.slice(slash + 1);
}

/**
 * The egress host to suggest for what was typed, when it is a plain DNS
 * name without a namespace (`api.stripe.com` becomes `*\/api.stripe.com`,
 * which matches the host whichever namespace declares it).
 *
 * @public
 */
export function suggestedEgressHost(typed: string): string | undefined {
  const host = typed.trim();
  if (host.includes('/') || !host.includes('.')) return undefined;
  const suggestion = `*/${host}`;
  return egressHostProblem(suggestion) === undefined ? suggestion : undefined;
}

/**
 * Whether an egress host names a host outside the cluster, which proxies
 * only know of once a ServiceEntry declares it: a dotted DNS name that is
 * not a wildcard and not a cluster-local `.svc` name.
 *
 * @public
 */
export function isExternalEgressHost(
  host: string,
  clusterDomain = 'cluster.local',
): boolean {
  const dnsName = dnsNameOf(host);
  return (
    dnsName.includes('.') &&
    !dnsName.startsWith('*') &&
    !dnsName.endsWith('.svc') &&
    !dnsName.endsWith(`.svc.${clusterDomain}`)
  );
}
