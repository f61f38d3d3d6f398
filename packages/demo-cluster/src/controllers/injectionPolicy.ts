import {
  LabelSelector,
  SIDECAR_INJECT_ANNOTATION as INJECT_KEY,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';

/**
 * What the injector ConfigMap's `config` says about which pods get a
 * sidecar, once the webhook has sent the pod to the injector.
 */
export interface InjectionPolicy {
  /** `enabled`: every pod unless it opts out; `disabled`: only pods that opt in. */
  policy: 'enabled' | 'disabled';
  /** From Istio 1.1: pods matching one of these are not injected unless annotated. */
  neverInjectSelector?: LabelSelector[];
  /** From Istio 1.1: pods matching one of these are injected unless annotated. */
  alwaysInjectSelector?: LabelSelector[];
  /**
   * How the pod opts in or out. `annotation` (Istio 1.0–1.4, Maistra 0.x,
   * OSSM 1): only the `sidecar.istio.io/inject` annotation, read as a YAML
   * boolean. `labelOrAnnotation` (istiod): the label of that name wins over
   * the annotation.
   */
  optIn: 'annotation' | 'labelOrAnnotation';
}

// The YAML 1.1 truths the pre-istiod injector accepted (yaml.org/type/bool).
const YAML_TRUE = new Set(['y', 'yes', 'true', 'on']);
// strconv.ParseBool, which the demo's istiod uses for the label and annotation.
const PARSE_BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const PARSE_BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

interface PodMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The pod's own request: true or false, or undefined to use the defaults. */
function podRequest(
  meta: PodMeta,
  optIn: InjectionPolicy['optIn'],
): boolean | undefined {
  if (optIn === 'annotation') {
    // Any other non-empty value (`false`, `no`, a typo) means "do not inject".
    const value = meta.annotations?.[INJECT_KEY];
    if (value === undefined || value === '') return undefined;
    return YAML_TRUE.has(value.toLowerCase());
  }
  const value = meta.labels?.[INJECT_KEY] ?? meta.annotations?.[INJECT_KEY];
  if (value === undefined) return undefined;
  if (PARSE_BOOL_TRUE.has(value)) return true;
  if (PARSE_BOOL_FALSE.has(value)) return false;
  return undefined;
}

const isEmptySelector = (selector: LabelSelector) =>
  Object.keys(selector.matchLabels ?? {}).length === 0 &&
  (selector.matchExpressions ?? []).length === 0;

const matchesAny = (
  selectors: LabelSelector[] | undefined,
  labels: Record<string, string> | undefined,
) =>
  (selectors ?? []).some(
    selector =>
      !isEmptySelector(selector) && matchesLabelSelector(selector, labels),
  );

/**
 * Whether the injector adds a sidecar, as Istio's `injectRequired` decides:
 * the pod's own request first; without one, `neverInjectSelector`, then
 * `alwaysInjectSelector` (an empty selector matches nothing); without a
 * match, the policy. Host-network pods and system namespaces are the
 * caller's to skip.
 */
export function injectionRequired(
  meta: PodMeta,
  policy: InjectionPolicy,
): boolean {
  const requested = podRequest(meta, policy.optIn);
  if (requested !== undefined) return requested;
  if (matchesAny(policy.neverInjectSelector, meta.labels)) return false;
  if (matchesAny(policy.alwaysInjectSelector, meta.labels)) return true;
  return policy.policy === 'enabled';
}
