import { parse as parseYaml } from 'yaml';
import {
  ISTIO_REVISION_LABEL,
  LabelSelector,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ApiError, ClusterApi, KubeObject } from '../apiserver/types';
import {
  CONFIG_MAPS,
  MUTATING_WEBHOOKS,
  NAMESPACES,
  PODS,
  SERVICES,
  isPodReady,
  namespaceLabels,
} from './common';
import { injectorConfigMapName } from './istiod';
import { InjectorSettings, injectSidecar } from './sidecarTemplate';

/** The fault hook of the demo cluster: an injector can be made unreachable. */
export interface InjectorFaults {
  isInjectorUnreachable(revision: string): boolean;
}

export interface InjectionControllerOptions {
  faults?: InjectorFaults;
  /**
   * The API server's wording of a failed webhook call. `current`:
   * `failed calling webhook "…": failed to call webhook: Post "…?timeout=10s": …`.
   * `kubernetes-1.11` (OpenShift 3.11, and the clusters Istio 1.0 ran on):
   * `failed calling admission webhook "…": Post https://…?timeout=30s: …`.
   */
  webhookErrors?: 'current' | 'kubernetes-1.11';
}

const NEVER_INJECTED_NAMESPACES = new Set(['kube-system', 'kube-public']);

interface Webhook {
  name: string;
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  clientConfig?: {
    service?: { name: string; namespace: string; path?: string; port?: number };
    url?: string;
  };
  rules?: Array<{ operations?: string[]; resources?: string[] }>;
}

function handlesPodCreate(webhook: Webhook): boolean {
  return (webhook.rules ?? []).some(
    rule =>
      (rule.operations ?? []).some(op => op === 'CREATE' || op === '*') &&
      (rule.resources ?? []).some(r => r === 'pods' || r === '*'),
  );
}

/** The Service of the pre-istiod injector (Istio 1.0–1.4, Maistra 0.x). */
const LEGACY_INJECTOR_SERVICE = 'istio-sidecar-injector';

/** The image of that name (`proxyv2`, `proxy_init`) a pre-istiod injector template names. */
function templateImage(template: unknown, name: string): string | undefined {
  if (typeof template !== 'string') return undefined;
  return new RegExp(`[\\w.-]+(?:/[\\w.-]+)*/${name}:[\\w.-]+`).exec(
    template,
  )?.[0];
}

/**
 * Sidecar injection as the API server and Istio's injector do it together:
 * every MutatingWebhookConfiguration in the cluster is evaluated (in name
 * order) against the namespace and pod labels; a matching Istio webhook
 * injects the revision named by its configuration's `istio.io/rev` label,
 * subject to the injector's policy, its never/always-inject selectors and
 * the pod's own opt-in/opt-out (`injectionPolicy.ts`). A webhook served by
 * the pre-istiod `istio-sidecar-injector` Service gets that injector's
 * template. A webhook whose Service has no ready pod fails the pod creation
 * where its `failurePolicy` is `Fail`, and is skipped where it is `Ignore`;
 * a deleted webhook configuration injects nothing.
 */
export function startInjectionController(
  api: ClusterApi,
  options: InjectionControllerOptions = {},
): () => void {
  let stopped = false;
  const webhookConfigs = new Map<string, KubeObject>();
  let sortedConfigs: KubeObject[] | undefined;
  // Pods of the namespaces that host injector Services, for readiness checks.
  const podsByNamespace = new Map<string, KubeObject[]>();
  const settingsCache = new Map<
    string,
    { resourceVersion: string; settings: InjectorSettings }
  >();

  for (const config of api.list(MUTATING_WEBHOOKS)) {
    webhookConfigs.set(config.metadata.name!, config);
  }
  const unsubscribe = api.subscribe(event => {
    const { group, plural } = event.resource;
    if (
      group === MUTATING_WEBHOOKS.group &&
      plural === MUTATING_WEBHOOKS.plural
    ) {
      if (event.type === 'DELETED') {
        webhookConfigs.delete(event.object.metadata.name!);
      } else {
        webhookConfigs.set(event.object.metadata.name!, event.object);
      }
      sortedConfigs = undefined;
    } else if (group === '' && plural === 'pods') {
      podsByNamespace.delete(event.object.metadata.namespace!);
    }
  });

  const configsInOrder = () => {
    sortedConfigs ??= [...webhookConfigs.values()].sort((a, b) =>
      a.metadata.name! < b.metadata.name! ? -1 : 1,
    );
    return sortedConfigs;
  };

  const podsIn = (namespace: string) => {
    let pods = podsByNamespace.get(namespace);
    if (!pods) {
      pods = api.list(PODS, { namespace });
      podsByNamespace.set(namespace, pods);
    }
    return pods;
  };

  /** Why the injector cannot be called, or undefined when it can. */
  const unreachableReason = (
    webhook: Webhook,
    revision: string,
  ): string | undefined => {
    const ref = webhook.clientConfig?.service;
    if (!ref) return undefined;
    const base = `https://${ref.name}.${ref.namespace}.svc:${ref.port ?? 443}${
      ref.path ?? '/inject'
    }`;
    const legacyErrors = options.webhookErrors === 'kubernetes-1.11';
    // Before 1.14 the URL was not quoted; the client's timeout was 30 s.
    const post = legacyErrors
      ? `Post ${base}?timeout=30s`
      : `failed to call webhook: Post "${base}?timeout=10s"`;
    const service = api.get(SERVICES, ref.namespace, ref.name);
    if (!service) {
      return `${post}: service "${ref.name}" not found`;
    }
    const spec = service.spec as {
      clusterIP?: string;
      selector?: Record<string, string>;
    };
    const refused = `${post}: dial tcp ${spec.clusterIP ?? '172.30.0.1'}:${
      ref.port ?? 443
    }: connect: connection refused`;
    if (options.faults?.isInjectorUnreachable(revision)) {
      return refused;
    }
    const hasEndpoint = podsIn(ref.namespace).some(
      pod =>
        isPodReady(pod) &&
        matchesLabelSelector(
          { matchLabels: spec.selector ?? {} },
          pod.metadata.labels,
        ) &&
        Object.keys(spec.selector ?? {}).length > 0,
    );
    return hasEndpoint ? undefined : refused;
  };

  const settingsOf = (
    namespace: string,
    revision: string,
    serviceName: string,
  ): InjectorSettings => {
    const configMap = api.get(
      CONFIG_MAPS,
      namespace,
      injectorConfigMapName(revision),
    );
    const key = `${namespace}/${revision}/${serviceName}`;
    const cached = settingsCache.get(key);
    if (
      cached &&
      configMap &&
      cached.resourceVersion === configMap.metadata.resourceVersion
    ) {
      return cached.settings;
    }
    const data = (configMap?.data ?? {}) as {
      values?: string;
      config?: string;
    };
    const values = data.values ? JSON.parse(data.values) : {};
    const config = data.config ? parseYaml(data.config) ?? {} : {};
    const hub = values.global?.hub ?? 'docker.io/istio';
    const image = values.global?.proxy?.image ?? 'proxyv2';
    const layout =
      serviceName === LEGACY_INJECTOR_SERVICE ? 'legacy' : 'istiod';
    const proxyImage =
      (layout === 'legacy' &&
        templateImage(config.template, 'proxyv2(?:-rhel\\d)?')) ||
      (image.includes('/')
        ? image
        : `${hub}/${image}:${values.global?.tag ?? 'latest'}`);
    const settings: InjectorSettings = {
      proxyImage,
      nativeSidecars: values.pilot?.env?.ENABLE_NATIVE_SIDECARS === 'true',
      cni: values.istio_cni?.enabled === true,
      policy: config.policy === 'disabled' ? 'disabled' : 'enabled',
      neverInjectSelector: config.neverInjectSelector ?? [],
      alwaysInjectSelector: config.alwaysInjectSelector ?? [],
      optIn: layout === 'legacy' ? 'annotation' : 'labelOrAnnotation',
      layout,
      ...(layout === 'legacy'
        ? {
            proxyInitImage: templateImage(
              config.template,
              'proxy[_-]init(?:-rhel\\d)?',
            ),
            discoveryAddress: `istio-pilot.${namespace}:15007`,
          }
        : {}),
    };
    if (configMap) {
      settingsCache.set(key, {
        resourceVersion: configMap.metadata.resourceVersion!,
        settings,
      });
    }
    return settings;
  };

  api.addAdmission(PODS, request => {
    if (stopped || request.operation !== 'CREATE') {
      return request.object;
    }
    let pod = request.object;
    const namespace = pod.metadata.namespace!;
    if (
      NEVER_INJECTED_NAMESPACES.has(namespace) ||
      (pod.spec as { hostNetwork?: boolean })?.hostNetwork
    ) {
      return pod;
    }
    const configs = configsInOrder();
    if (configs.length === 0) return pod;
    const nsLabels = namespaceLabels(
      api.get(NAMESPACES, undefined, namespace),
      namespace,
    );
    for (const config of configs) {
      const revision =
        config.metadata.labels?.[ISTIO_REVISION_LABEL] ?? 'default';
      for (const webhook of (config.webhooks ?? []) as Webhook[]) {
        if (
          !webhook.name.endsWith('sidecar-injector.istio.io') ||
          !handlesPodCreate(webhook) ||
          !matchesLabelSelector(webhook.namespaceSelector, nsLabels) ||
          !matchesLabelSelector(webhook.objectSelector, pod.metadata.labels)
        ) {
          continue;
        }
        const reason = unreachableReason(webhook, revision);
        if (reason) {
          if (webhook.failurePolicy === 'Ignore') continue;
          const calling =
            options.webhookErrors === 'kubernetes-1.11'
              ? 'failed calling admission webhook'
              : 'failed calling webhook';
          throw new ApiError(
            500,
            'InternalError',
            `Internal error occurred: ${calling} "${webhook.name}": ${reason}`,
          );
        }
        const serviceRef = webhook.clientConfig?.service;
        if (!serviceRef) continue;
        pod = injectSidecar(
          pod,
          revision,
          serviceRef,
          settingsOf(serviceRef.namespace, revision, serviceRef.name),
        );
      }
    }
    return pod;
  });

  return () => {
    stopped = true;
    unsubscribe();
  };
}
