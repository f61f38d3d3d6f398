const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE_WILDCARDS = ['.', '*', '~'];

/**
 * Why a Sidecar egress host is invalid, or undefined when it is valid. The
 * same rules as the backend, so the user learns before the dry run:
 * `namespace/dnsName`, where namespace is `.`, `*`, `~` or a namespace name,
 * and dnsName is `*`, `*.suffix` or a DNS name.
 */
export function egressHostProblem(host: string): string | undefined {
  if (host.trim() === '') {
    return 'Enter a host such as payments/* or ./reviews.bookinfo.svc.cluster.local';
  }
  const slash = host.indexOf('/');
  if (slash < 0) {
    return 'Use namespace/dnsName, such as payments/* or ./*';
  }
  const namespace = host.slice(0, slash);
  const dnsName = host.slice(slash + 1);
  if (
    !NAMESPACE_WILDCARDS.includes(namespace) &&
    !DNS_1123_LABEL.test(namespace)
  ) {
    return `"${namespace}" is not a namespace name (lowercase letters, digits and -), ".", "*" or "~"`;
  }
  if (dnsName === '*') {
    return undefined;
  }
  const name = dnsName.startsWith('*.') ? dnsName.slice(2) : dnsName;
  const labels = name.split('.');
  if (
    dnsName === '' ||
    dnsName.length > 253 ||
    labels.some(label => !DNS_1123_LABEL.test(label))
  ) {
    return `"${dnsName}" is not a DNS name, "*" or "*.domain"`;
  }
  return undefined;
}

/** The hosts a new namespace-wide Sidecar starts from. */
export function defaultEgressHosts(controlPlaneNamespace?: string): string[] {
  return controlPlaneNamespace
    ? ['./*', `${controlPlaneNamespace}/*`]
    : ['./*'];
}
