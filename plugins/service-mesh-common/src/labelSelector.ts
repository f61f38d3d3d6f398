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

const SELECTOR_TERM =
  /^\s*(?:(!)\s*([\w./-]+)|([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*)|\s+(in|notin)\s*\(([^)]*)\))?)\s*$/;

/**
 * Parses a label selector string as kubectl and the Kubernetes plugin's
 * `backstage.io/kubernetes-label-selector` annotation write it: `a=b`,
 * `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas.
 * Throws on malformed input.
 *
 * @public
 */
export function parseLabelSelector(text: string): LabelSelector {
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const term of splitSelectorTerms(text)) {
    const match = SELECTOR_TERM.exec(term);
    if (!match) {
      throw new Error(`Invalid label selector term '${term.trim()}'`);
    }
    const [, not, notKey, key, equality, value, setOperator, setValues] = match;
    if (not) {
      matchExpressions.push({ key: notKey, operator: 'DoesNotExist' });
    } else if (equality) {
      matchExpressions.push({
        key,
        operator: equality === '!=' ? 'NotIn' : 'In',
        values: [value],
      });
    } else if (setOperator) {
      matchExpressions.push({
        key,
        operator: setOperator === 'in' ? 'In' : 'NotIn',
        values: setValues
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
    } else {
      matchExpressions.push({ key, operator: 'Exists' });
    }
  }
  return { matchExpressions };
}

/** Splits on commas that are not inside `( … )`. */
function splitSelectorTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() || terms.length) terms.push(current);
  return terms.filter(term => term.trim() !== '');
}
