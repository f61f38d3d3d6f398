import { KubernetesValidatorFunctions } from '@backstage/catalog-model';

/**
 * Why a Kubernetes label key is invalid, or undefined when it is valid. As
 * Kubernetes checks it: an optional DNS-1123 subdomain prefix (at most 253
 * characters) and `/`, then a name of at most 63 characters of letters,
 * digits, `-`, `_` and `.` that begins and ends with a letter or digit.
 *
 * @public
 */
export function labelKeyProblem(key: string): string | undefined {
  if (KubernetesValidatorFunctions.isValidLabelKey(key)) {
    return undefined;
  }
  return `Label key "${key}" is not valid: use an optional DNS subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit`;
}

/**
 * Why a Kubernetes label value is invalid, or undefined when it is valid:
 * empty, or at most 63 letters, digits, `-`, `_` and `.` beginning and ending
 * with a letter or digit.
 *
 * @public
 */
export function labelValueProblem(
  key: string,
  value: unknown,
): string | undefined {
  if (
    typeof value === 'string' &&
    KubernetesValidatorFunctions.isValidLabelValue(value)
  ) {
    return undefined;
  }
  return `Label value ${JSON.stringify(
    value,
  )} of "${key}" is not valid: use at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit`;
}

/**
 * The problems of a set of labels, such as a Sidecar's workloadSelector;
 * empty when every key and value is valid.
 *
 * @public
 */
export function labelsProblems(labels: Record<string, unknown>): string[] {
  return Object.entries(labels).flatMap(([key, value]) =>
    [labelKeyProblem(key), labelValueProblem(key, value)].filter(
      (problem): problem is string => problem !== undefined,
    ),
  );
}
