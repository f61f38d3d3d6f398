import { stringify as toYaml } from 'yaml';
import { ClusterApi } from '../../apiserver/types';
import { CONFIG_MAPS, MUTATING_WEBHOOKS, upsert } from '../common';
import {
  LEGACY_INJECTOR,
  LegacyControlPlane,
  legacyProxyImage,
  legacyProxyInitImage,
} from './model';

/**
 * The injector template, shortened: the lines a reader (or the demo's
 * injector) looks at, with the `[[ ]]` delimiters 1.0 and 1.1 used.
 */
function template(cp: LegacyControlPlane): string {
  return [
    'initContainers:',
    '- name: istio-init',
    `  image: "${legacyProxyInitImage(cp)}"`,
    '  args:',
    '  - "-p"',
    '  - [[ .MeshConfig.ProxyListenPort ]]',
    '  - "-u"',
    '  - 1337',
    '  - "-m"',
    '  - [[ annotation .ObjectMeta `sidecar.istio.io/interceptionMode` .ProxyConfig.InterceptionMode ]]',
    '  imagePullPolicy: IfNotPresent',
    '  securityContext:',
    '    capabilities:',
    '      add:',
    '      - NET_ADMIN',
    '    privileged: true',
    'containers:',
    '- name: istio-proxy',
    '  image: [[ if (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyImage`) -]]',
    '  "[[ index .ObjectMeta.Annotations `sidecar.istio.io/proxyImage` ]]"',
    '  [[ else -]]',
    `  ${legacyProxyImage(cp)}`,
    '  [[ end -]]',
    '  args:',
    '  - proxy',
    '  - sidecar',
    '  - --discoveryAddress',
    '  - [[ .ProxyConfig.DiscoveryAddress ]]',
    'volumes:',
    '- emptyDir:',
    '    medium: Memory',
    '  name: istio-envoy',
    '- name: istio-certs',
    '  secret:',
    '    optional: true',
    '    secretName: [[ printf "istio.%s" .Spec.ServiceAccountName ]]',
  ].join('\n');
}

/**
 * The `istio-sidecar-injector` ConfigMap: `config` holds the policy, the
 * selectors from 1.1 on, and the template. There is no `values` key yet.
 */
export function applyLegacyInjectorConfig(
  api: ClusterApi,
  cp: LegacyControlPlane,
  labels: Record<string, string>,
): void {
  const config = {
    policy: cp.injectionPolicy,
    ...(cp.injectSelectors
      ? {
          alwaysInjectSelector: cp.injectSelectors.always,
          neverInjectSelector: cp.injectSelectors.never,
        }
      : {}),
    template: template(cp),
  };
  upsert(api, CONFIG_MAPS, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: LEGACY_INJECTOR,
      namespace: cp.namespace,
      labels: { ...labels, app: 'istio', istio: 'sidecar-injector' },
      ...(cp.ownerReferences ? { ownerReferences: cp.ownerReferences } : {}),
    },
    data: { config: toYaml(config, { lineWidth: 0 }) },
  });
}

/**
 * The one webhook of the pre-istiod injector, `sidecar-injector.istio.io`,
 * served by the `istio-sidecar-injector` Service. It carries no
 * `istio.io/rev` label: there are no revisions. It was created through
 * `admissionregistration.k8s.io/v1beta1`, so that API's defaults show
 * (`sideEffects: Unknown`, `timeoutSeconds: 30`, no Service port).
 */
export function applyLegacyInjectorWebhook(
  api: ClusterApi,
  cp: LegacyControlPlane,
  labels: Record<string, string>,
): void {
  upsert(
    api,
    MUTATING_WEBHOOKS,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: cp.webhookName ?? LEGACY_INJECTOR,
        labels: { ...labels, app: 'istio-sidecar-injector' },
        ...(cp.ownerReferences ? { ownerReferences: cp.ownerReferences } : {}),
      },
      webhooks: [
        {
          name: 'sidecar-injector.istio.io',
          admissionReviewVersions: ['v1beta1'],
          clientConfig: {
            service: {
              name: LEGACY_INJECTOR,
              namespace: cp.namespace,
              path: '/inject',
            },
          },
          rules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['pods'],
              scope: '*',
            },
          ],
          failurePolicy: cp.failurePolicy,
          matchPolicy: 'Exact',
          namespaceSelector: cp.namespaceSelector,
          objectSelector: {},
          reinvocationPolicy: 'Never',
          sideEffects: 'Unknown',
          timeoutSeconds: 30,
        },
      ],
    },
    (existing, desired) => ({
      ...existing,
      metadata: { ...existing.metadata, labels: desired.metadata.labels },
      webhooks: desired.webhooks,
    }),
  );
}
