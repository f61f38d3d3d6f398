import {
  InjectionInfo,
  InjectionMode,
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  ISTIO_TAG_LABEL,
  MAISTRA_IGNORE_NAMESPACE_LABEL,
  MAISTRA_MEMBER_OF_LABEL,
  matchesLabelSelector,
  OPENSHIFT_IGNORE_NAMESPACE_LABEL,
  SIDECAR_INJECT_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { InjectorPolicy, injectorRequires } from './injectorPolicy';
import type { MutatingWebhook, MutatingWebhookConfiguration } from './kube';

/**
 * Which control-plane revision, if any, injects the sidecar into a new pod,
 * following the rules of Istio's injection webhooks and injector:
 *
 * - `kube-system` and `kube-public` are never injected, nor hostNetwork pods;
 * - a namespace with `istio-injection` uses only that label: `enabled` means
 *   the default revision, any other value means no injection, and
 *   `istio.io/rev` on the namespace is then ignored (analyzer IST0123);
 * - otherwise the namespace's `istio.io/rev` names a revision or a tag;
 * - a namespace with neither label injects only pods that carry the label
 *   `istio.io/rev` themselves, or the label `sidecar.istio.io/inject=true`
 *   (default revision). Webhook object selectors see labels only, so the
 *   annotation alone does not opt a pod in there;
 * - the pod's `sidecar.istio.io/inject` label (or, without it, annotation)
 *   with any value other than true/yes/on opts the pod out.
 *
 * OpenShift Service Mesh 2 differs: only member namespaces (label
 * `maistra.io/member-of`) are considered, and only pods that opt in with
 * `sidecar.istio.io/inject: "true"` get a sidecar.
 */

export const NEVER_INJECTED_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
];

/** Revisions, tags and the default revision of upstream Istio or Sail. */
export interface RevisionRouting {
  /** Names of the revisions that exist (`default` for an unnamed install). */
  revisions: string[];
  /** Revision tag name to the revision it points at. */
  tags: Record<string, string>;
  /** Revision used by `istio-injection=enabled` and by opt-in pods. */
  defaultRevision?: string;
}

export type InjectionRules =
  | ({ style: 'labels' } & RevisionRouting)
  | {
      /** OSSM 2: membership label plus per-pod opt-in. */
      style: 'memberOf';
      controlPlanes: { namespace: string; revision: string }[];
    }
  | {
      /**
       * Istio 1.0–1.4, Maistra 0.x and OSSM 1.x: the cluster's webhook
       * configurations calling the injector's Service decide which pods
       * reach it, then the injector's policy and selectors decide.
       */
      style: 'injector';
      revision: string;
      service: { name: string; namespace: string };
      webhookConfigurations: MutatingWebhookConfiguration[];
      policy: InjectorPolicy;
    };

export interface NamespaceInjectionInput {
  name: string;
  labels?: Record<string, string>;
}

export interface PodInjectionInput {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
}

export type InjectionVia =
  | 'namespaceInjectionLabel'
  | 'namespaceRevisionLabel'
  | 'podRevisionLabel'
  | 'podOptIn'
  | 'memberOptIn';

export type NotInjectedReason =
  | 'neverInjectedNamespace'
  | 'ignoredNamespace'
  | 'hostNetwork'
  | 'optedOut'
  | 'namespaceDisabled'
  | 'noInjectionLabel'
  | 'unknownRevision'
  | 'noDefaultRevision'
  | 'notMember'
  | 'notOptedIn'
  | 'neverInjectSelector';

export type InjectionDecision =
  | {
      injected: true;
      revision: string;
      /** The tag the revision was reached through. */
      tag?: string;
      via: InjectionVia;
    }
  | {
      injected: false;
      reason: NotInjectedReason;
      /** The revision or tag a label asked for, when it does not exist. */
      requestedRevision?: string;
    };

const TRUE_VALUES = ['true', 'y', 'yes', 'on'];

/**
 * The pod's own injection setting: the `sidecar.istio.io/inject` label wins
 * over the annotation, as in the injector. `undefined` means "not set".
 */
export function podInjectSetting(
  pod: PodInjectionInput,
): 'in' | 'out' | undefined {
  const value =
    pod.labels?.[SIDECAR_INJECT_ANNOTATION] ??
    pod.annotations?.[SIDECAR_INJECT_ANNOTATION];
  if (value === undefined || value === '') {
    return undefined;
  }
  return TRUE_VALUES.includes(value.toLowerCase()) ? 'in' : 'out';
}

/** Resolves a revision or tag name to the revision it means. */
export function resolveRevision(
  name: string,
  routing: RevisionRouting,
): { revision: string; tag?: string } | undefined {
  // A tag's webhooks answer for its name, so tags shadow revisions of the
  // same name (the `default` tag over the `default` revision).
  const tagged = routing.tags[name];
  if (tagged !== undefined) {
    return { revision: tagged, tag: name };
  }
  if (routing.revisions.includes(name)) {
    return { revision: name };
  }
  return undefined;
}

/**
 * The revision a running proxy belongs to, for comparing with the one a
 * new pod gets. A sidecar status annotation without `revision` means the
 * default revision, and a pod's `istio.io/rev` label may name a tag: both
 * resolve to the revision they point at now.
 */
export function resolveProxyRevision(
  name: string,
  rules: InjectionRules,
): string {
  if (rules.style !== 'labels') {
    return name;
  }
  const resolved = resolveRevision(name, rules);
  if (resolved) {
    return resolved.revision;
  }
  return name === 'default' && rules.defaultRevision
    ? rules.defaultRevision
    : name;
}

export function isIgnoredByMesh(labels: Record<string, string>): boolean {
  return (
    labels[OPENSHIFT_IGNORE_NAMESPACE_LABEL] !== undefined ||
    labels[MAISTRA_IGNORE_NAMESPACE_LABEL] !== undefined
  );
}

/** Decides from labels alone whether a new pod gets a sidecar, and from which revision. */
export function decideInjection(
  namespace: NamespaceInjectionInput,
  pod: PodInjectionInput,
  rules: InjectionRules,
): InjectionDecision {
  const nsLabels = namespace.labels ?? {};
  if (NEVER_INJECTED_NAMESPACES.includes(namespace.name)) {
    return { injected: false, reason: 'neverInjectedNamespace' };
  }
  if (pod.hostNetwork) {
    return { injected: false, reason: 'hostNetwork' };
  }
  if (rules.style === 'injector') {
    return decideByInjector(namespace, pod, rules);
  }
  const podSetting = podInjectSetting(pod);

  if (rules.style === 'memberOf') {
    if (isIgnoredByMesh(nsLabels)) {
      return { injected: false, reason: 'ignoredNamespace' };
    }
    const memberOf = nsLabels[MAISTRA_MEMBER_OF_LABEL];
    const controlPlane = rules.controlPlanes.find(
      cp => cp.namespace === memberOf,
    );
    if (!controlPlane) {
      return { injected: false, reason: 'notMember' };
    }
    if (
      nsLabels[ISTIO_INJECTION_LABEL] !== undefined &&
      nsLabels[ISTIO_INJECTION_LABEL] !== 'enabled'
    ) {
      return { injected: false, reason: 'namespaceDisabled' };
    }
    if (podSetting === 'out') {
      return { injected: false, reason: 'optedOut' };
    }
    if (podSetting !== 'in') {
      return { injected: false, reason: 'notOptedIn' };
    }
    return {
      injected: true,
      revision: controlPlane.revision,
      via: 'memberOptIn',
    };
  }

  const injectionLabel = nsLabels[ISTIO_INJECTION_LABEL];
  const nsRevision = nsLabels[ISTIO_REVISION_LABEL];
  const optedOut = () =>
    podSetting === 'out'
      ? ({ injected: false, reason: 'optedOut' } as const)
      : undefined;

  if (injectionLabel !== undefined) {
    if (injectionLabel !== 'enabled') {
      return { injected: false, reason: 'namespaceDisabled' };
    }
    const out = optedOut();
    if (out) {
      return out;
    }
    return fromDefault(rules, 'namespaceInjectionLabel');
  }

  if (nsRevision !== undefined) {
    const out = optedOut();
    if (out) {
      return out;
    }
    return fromRevisionName(nsRevision, rules, 'namespaceRevisionLabel');
  }

  const podRevision = pod.labels?.[ISTIO_REVISION_LABEL];
  if (podRevision !== undefined) {
    const out = optedOut();
    if (out) {
      return out;
    }
    return fromRevisionName(podRevision, rules, 'podRevisionLabel');
  }
  if (pod.labels?.[SIDECAR_INJECT_ANNOTATION] === 'true') {
    return fromDefault(rules, 'podOptIn');
  }
  return { injected: false, reason: 'noInjectionLabel' };
}

/** The pre-istiod injector: its webhooks' selectors, then its policy. */
function decideByInjector(
  namespace: NamespaceInjectionInput,
  pod: PodInjectionInput,
  rules: Extract<InjectionRules, { style: 'injector' }>,
): InjectionDecision {
  const calling = rules.webhookConfigurations.filter(config =>
    (config.webhooks ?? []).some(
      w =>
        w.clientConfig?.service?.name === rules.service.name &&
        w.clientConfig?.service?.namespace === rules.service.namespace,
    ),
  );
  if (matchInjectionWebhooks(calling, namespace, pod).length === 0) {
    return {
      injected: false,
      reason: isIgnoredByMesh(namespace.labels ?? {})
        ? 'ignoredNamespace'
        : 'noInjectionLabel',
    };
  }
  const verdict = injectorRequires(rules.policy, pod);
  if (verdict.inject) {
    return {
      injected: true,
      revision: rules.revision,
      via: verdict.by === 'policy' ? 'namespaceInjectionLabel' : 'podOptIn',
    };
  }
  const reasons: Record<typeof verdict.by, NotInjectedReason> = {
    annotation: 'optedOut',
    neverInjectSelector: 'neverInjectSelector',
    policy: 'notOptedIn',
  };
  return { injected: false, reason: reasons[verdict.by] };
}

function fromDefault(
  routing: RevisionRouting,
  via: InjectionVia,
): InjectionDecision {
  if (routing.defaultRevision === undefined) {
    return { injected: false, reason: 'noDefaultRevision' };
  }
  const tag = routing.tags.default !== undefined ? 'default' : undefined;
  return { injected: true, revision: routing.defaultRevision, tag, via };
}

function fromRevisionName(
  name: string,
  routing: RevisionRouting,
  via: InjectionVia,
): InjectionDecision {
  const resolved = resolveRevision(name, routing);
  if (!resolved) {
    return {
      injected: false,
      reason: 'unknownRevision',
      requestedRevision: name,
    };
  }
  return { injected: true, ...resolved, via };
}

/** The namespace's `istio-injection` label as a mode. */
export function namespaceInjectionMode(
  labels: Record<string, string> | undefined,
): InjectionMode {
  const value = labels?.[ISTIO_INJECTION_LABEL];
  if (value === undefined) {
    return 'unset';
  }
  return value === 'enabled' ? 'enabled' : 'disabled';
}

/**
 * The namespace's injection as the API reports it: the label, the revision
 * label, and the revision a pod without injection labels of its own gets.
 */
export function namespaceInjection(
  namespace: NamespaceInjectionInput,
  rules: InjectionRules,
): InjectionInfo {
  const labels = namespace.labels ?? {};
  const perWorkload =
    rules.style === 'memberOf' ||
    (rules.style === 'injector' && rules.policy.policy === 'disabled');
  // On OSSM 2 every workload opts in itself; the revision it would get is
  // the member control plane's.
  const optIn = { [SIDECAR_INJECT_ANNOTATION]: 'true' };
  const probe: PodInjectionInput = perWorkload
    ? { labels: optIn, annotations: optIn }
    : {};
  const decision = decideInjection(namespace, probe, rules);
  if (!decision.injected) {
    return {
      mode: namespaceInjectionMode(labels),
      revisionLabel: labels[ISTIO_REVISION_LABEL],
      perWorkload,
    };
  }
  let revisionVia: InjectionInfo['revisionVia'] = 'default';
  if (decision.via === 'namespaceRevisionLabel') {
    revisionVia = decision.tag ? 'tag' : 'revision';
  }
  return {
    mode: namespaceInjectionMode(labels),
    revisionLabel: labels[ISTIO_REVISION_LABEL],
    effectiveRevision: decision.revision,
    effectiveTag: decision.tag,
    revisionVia,
    ...(rules.style === 'labels' &&
      rules.defaultRevision !== undefined && {
        isDefaultRevision: decision.revision === rules.defaultRevision,
      }),
    perWorkload,
  };
}

/** A webhook of a MutatingWebhookConfiguration that would inject a pod. */
export interface InjectorWebhookMatch {
  configuration: string;
  webhook: string;
  /** From the configuration's `istio.io/rev` label (or its istiod service). */
  revision?: string;
  /** From the configuration's `istio.io/tag` label. */
  tag?: string;
  failurePolicy: string;
  /** The istiod service the webhook calls. */
  service?: { name: string; namespace: string };
}

/** Istio's injection webhooks are all named `...sidecar-injector.istio.io`. */
export function isInjectionWebhook(webhook: MutatingWebhook): boolean {
  return webhook.name.endsWith('sidecar-injector.istio.io');
}

/** The revision an injection webhook configuration belongs to. */
export function webhookConfigurationRevision(
  configuration: MutatingWebhookConfiguration,
): string | undefined {
  const label = configuration.metadata.labels?.[ISTIO_REVISION_LABEL];
  if (label) {
    return label;
  }
  // Older installs lack the label; the service name still tells.
  const service =
    configuration.webhooks?.find(isInjectionWebhook)?.clientConfig?.service
      ?.name;
  if (service === 'istiod') {
    return 'default';
  }
  return service?.startsWith('istiod-')
    ? service.slice('istiod-'.length)
    : undefined;
}

/**
 * Every injection webhook whose namespace and object selectors match the
 * pod, in the order the API server calls them (configurations by name).
 */
export function matchInjectionWebhooks(
  configurations: MutatingWebhookConfiguration[],
  namespace: NamespaceInjectionInput,
  pod: PodInjectionInput,
): InjectorWebhookMatch[] {
  // The API server sets this label on every namespace; selectors may use it.
  const nsLabels = {
    'kubernetes.io/metadata.name': namespace.name,
    ...namespace.labels,
  };
  const matches: InjectorWebhookMatch[] = [];
  const ordered = [...configurations].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  for (const configuration of ordered) {
    for (const webhook of configuration.webhooks ?? []) {
      if (
        isInjectionWebhook(webhook) &&
        matchesLabelSelector(webhook.namespaceSelector, nsLabels) &&
        matchesLabelSelector(webhook.objectSelector, pod.labels)
      ) {
        matches.push({
          configuration: configuration.metadata.name,
          webhook: webhook.name,
          revision: webhookConfigurationRevision(configuration),
          tag: configuration.metadata.labels?.[ISTIO_TAG_LABEL],
          failurePolicy: webhook.failurePolicy ?? 'Fail',
          service: webhook.clientConfig?.service
            ? {
                name: webhook.clientConfig.service.name,
                namespace: webhook.clientConfig.service.namespace,
              }
            : undefined,
        });
      }
    }
  }
  return matches;
}

export type WebhookInjectionDecision = InjectionDecision & {
  /** Every matching webhook; the first one injects. */
  matches: InjectorWebhookMatch[];
  /** Distinct revisions among the matches, when more than one would answer. */
  conflictingRevisions?: string[];
};

/**
 * Decides injection from the cluster's actual webhook configurations: the
 * first matching webhook's injector runs, then applies its own checks (the
 * never-injected namespaces, hostNetwork, the pod's opt-out, and, with
 * policy `disabled` as on OSSM 2, the pod's opt-in).
 */
export function decideInjectionByWebhooks(
  configurations: MutatingWebhookConfiguration[],
  namespace: NamespaceInjectionInput,
  pod: PodInjectionInput,
  options: {
    injectorPolicy?: (revision: string | undefined) => 'enabled' | 'disabled';
  } = {},
): WebhookInjectionDecision {
  const matches = matchInjectionWebhooks(configurations, namespace, pod);
  const revisions = [
    ...new Set(matches.map(m => m.revision ?? m.configuration)),
  ];
  const conflictingRevisions = revisions.length > 1 ? revisions : undefined;
  const notInjected = (reason: NotInjectedReason) => ({
    injected: false as const,
    reason,
    matches,
    conflictingRevisions,
  });
  if (NEVER_INJECTED_NAMESPACES.includes(namespace.name)) {
    return notInjected('neverInjectedNamespace');
  }
  if (matches.length === 0) {
    return notInjected('noInjectionLabel');
  }
  if (pod.hostNetwork) {
    return notInjected('hostNetwork');
  }
  const first = matches[0];
  const setting = podInjectSetting(pod);
  if (setting === 'out') {
    return notInjected('optedOut');
  }
  const policy = options.injectorPolicy?.(first.revision) ?? 'enabled';
  if (policy === 'disabled' && setting !== 'in') {
    return notInjected('notOptedIn');
  }
  return {
    injected: true,
    revision: first.revision ?? first.configuration,
    tag: first.tag,
    via: policy === 'disabled' ? 'memberOptIn' : viaOfWebhook(first.webhook),
    matches,
    conflictingRevisions,
  };
}

/** Istio's chart names its four injection webhooks by what they select on. */
function viaOfWebhook(webhookName: string): InjectionVia {
  if (webhookName.startsWith('rev.namespace.')) {
    return 'namespaceRevisionLabel';
  }
  if (webhookName.startsWith('rev.object.')) {
    return 'podRevisionLabel';
  }
  if (webhookName.startsWith('object.')) {
    return 'podOptIn';
  }
  return 'namespaceInjectionLabel';
}
