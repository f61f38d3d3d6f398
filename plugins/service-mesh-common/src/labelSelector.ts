/**
 * A Kubernetes LabelSelector (`metav1.LabelSelector`), as used by webhook
 * namespaceSelector/objectSelector, Istio discoverySelectors and SMMR
 * memberSelectors.
 *
 * @public
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** @public */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/**
 * Whether a set of labels satisfies a selector, with Kubernetes semantics:
 * an empty or missing selector matches everything, and every requirement
 * must hold.
 *
 * @public
 */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (actual[key] !== value) {
      return false;
    }
  }
  return (selector?.matchExpressions ?? []).every(requirement =>
    matchesRequirement(requirement, actual),
  );
}

function matchesRequirement(
  { key, operator, values = [] }: LabelSelectorRequirement,
  labels: Record<string, string>,
): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, key);
  switch (operator) {
    case 'In':
      return present && values.includes(labels[key]);
    case 'NotIn':
      // As in Kubernetes, NotIn also matches objects without the label.
      return !present || !values.includes(labels[key]);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      throw new Error(`Unknown label selector operator '${operator}'`);
  }
}
