import {
  LabelSelector,
  matchesLabelSelector,
  SIDECAR_INJECT_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { parse as parseYaml } from 'yaml';
import type { ConfigMap } from './kube';

/*
 * The sidecar injector of Istio 1.0–1.4 (and of Maistra 0.x / OSSM 1.x,
 * which ship its chart): a Deployment of its own, `istio-sidecar-injector`,
 * configured by the config map of the same name. After the webhook's
 * selectors let a pod through, the injector decides with its `policy` and,
 * from 1.1, the `neverInjectSelector` / `alwaysInjectSelector` lists.
 */

export const LEGACY_INJECTOR_NAME = 'istio-sidecar-injector';

/** The injector config map's `config` as far as the decision goes. */
export interface InjectorPolicy {
  /** `enabled`: inject unless a pod opts out; `disabled`: only pods that opt in. */
  policy: 'enabled' | 'disabled';
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
}

/** The injector of a pre-istiod control plane, as the domain sees it. */
export interface InjectorModel {
  /** Namespace of the Deployment, the Service and the config map. */
  namespace: string;
  /** The Service the webhook calls (also the Deployment's name). */
  service: string;
  /** The Deployment exists and has a ready pod. */
  ready: boolean;
  /** The MutatingWebhookConfiguration calling the service, when it exists. */
  webhookConfiguration?: string;
  /** Its webhook's failure policy (`Fail` when unset, as the API defaults it). */
  failurePolicy?: string;
  policy: InjectorPolicy;
}

const TRUE_VALUES = ['y', 'yes', 'true', 'on'];

/**
 * Reads `policy` and the selectors from the config map's `config` YAML.
 * Without the config map, or unreadable, Istio's chart default applies:
 * `enabled`, no selectors.
 */
export function injectorPolicyOf(
  configMap: ConfigMap | undefined,
): InjectorPolicy {
  const fallback: InjectorPolicy = {
    policy: 'enabled',
    neverInjectSelector: [],
    alwaysInjectSelector: [],
  };
  const config = configMap?.data?.config;
  if (!config) {
    return fallback;
  }
  let parsed: any;
  try {
    // The `template` value is a Go template, but the document around it is YAML.
    parsed = parseYaml(config);
  } catch {
    return fallback;
  }
  const selectors = (value: unknown): LabelSelector[] =>
    Array.isArray(value)
      ? value.filter(v => v !== null && typeof v === 'object')
      : [];
  return {
    policy: parsed?.policy === 'disabled' ? 'disabled' : 'enabled',
    neverInjectSelector: selectors(parsed?.neverInjectSelector),
    alwaysInjectSelector: selectors(parsed?.alwaysInjectSelector),
  };
}

/** An empty selector matches nothing here, as in the injector (not everything, as in Kubernetes). */
function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string>,
): boolean {
  const empty =
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0;
  return !empty && matchesLabelSelector(selector, labels);
}

export type InjectorVerdict =
  | { inject: true; by: 'policy' | 'annotation' | 'alwaysInjectSelector' }
  | { inject: false; by: 'policy' | 'annotation' | 'neverInjectSelector' };

/**
 * The 1.x injector's `injectRequired`: the pod's `sidecar.istio.io/inject`
 * annotation (the label is not read before istiod) decides when set;
 * otherwise a matching `neverInjectSelector`, then `alwaysInjectSelector`;
 * otherwise the policy.
 */
export function injectorRequires(
  policy: InjectorPolicy,
  pod: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
): InjectorVerdict {
  const annotation = pod.annotations?.[SIDECAR_INJECT_ANNOTATION];
  if (annotation !== undefined && annotation !== '') {
    return TRUE_VALUES.includes(annotation.toLowerCase())
      ? { inject: true, by: 'annotation' }
      : { inject: false, by: 'annotation' };
  }
  const labels = pod.labels ?? {};
  if (policy.neverInjectSelector.some(s => selectorMatches(s, labels))) {
    return { inject: false, by: 'neverInjectSelector' };
  }
  if (policy.alwaysInjectSelector.some(s => selectorMatches(s, labels))) {
    return { inject: true, by: 'alwaysInjectSelector' };
  }
  return policy.policy === 'enabled'
    ? { inject: true, by: 'policy' }
    : { inject: false, by: 'policy' };
}
