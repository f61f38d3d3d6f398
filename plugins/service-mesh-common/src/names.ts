const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Whether a name is a DNS-1123 label, as Kubernetes wants namespace names
 * and `istio.io/rev` values: at most 63 lowercase letters, digits and `-`,
 * starting and ending with a letter or digit.
 *
 * @public
 */
export function isDns1123Label(value: string): boolean {
  return DNS_1123_LABEL.test(value);
}
