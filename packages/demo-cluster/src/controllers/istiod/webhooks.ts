import {
  ISTIO_INJECTION_LABEL as INJECTION_LABEL,
  ISTIO_REVISION_LABEL as REV_LABEL,
  ISTIO_TAG_LABEL,
  SIDECAR_INJECT_ANNOTATION as INJECT_LABEL,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, KubeObject } from '../../apiserver/types';
import {
  MANAGED_BY_LABEL,
  MUTATING_WEBHOOKS,
  deleteIfExists,
  upsert,
} from '../common';
import {
  ControlPlaneRevision,
  RevisionTag,
  istiodName,
  tagWebhookConfigName,
  webhookConfigName,
} from './names';

/** Pod creation, the one admission request the injector handles. */
const POD_CREATE_RULES = [
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    operations: ['CREATE'],
    resources: ['pods'],
    scope: '*',
  },
];

const requirement = (
  key: string,
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
  values?: string[],
) => ({ key, operator, ...(values ? { values } : {}) });

/**
 * The webhooks Istio registers for a revision (or tag) value: namespaces
 * labelled `istio.io/rev=<value>`, pods labelled so in unlabelled namespaces,
 * and for `default` also `istio-injection=enabled` and
 * `sidecar.istio.io/inject=true` pods. `istio-injection` wins over
 * `istio.io/rev` because the revision webhooks require it to be absent.
 */
function istioWebhooks(value: string, service: Record<string, unknown>) {
  const common = {
    admissionReviewVersions: ['v1'],
    clientConfig: { service },
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    reinvocationPolicy: 'Never',
    rules: POD_CREATE_RULES,
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
  const webhooks = [
    {
      name: 'rev.namespace.sidecar-injector.istio.io',
      ...common,
      namespaceSelector: {
        matchExpressions: [
          requirement(REV_LABEL, 'In', [value]),
          requirement(INJECTION_LABEL, 'DoesNotExist'),
        ],
      },
      objectSelector: {
        matchExpressions: [requirement(INJECT_LABEL, 'NotIn', ['false'])],
      },
    },
    {
      name: 'rev.object.sidecar-injector.istio.io',
      ...common,
      namespaceSelector: {
        matchExpressions: [
          requirement(REV_LABEL, 'DoesNotExist'),
          requirement(INJECTION_LABEL, 'DoesNotExist'),
        ],
      },
      objectSelector: {
        matchExpressions: [
          requirement(INJECT_LABEL, 'NotIn', ['false']),
          requirement(REV_LABEL, 'In', [value]),
        ],
      },
    },
  ];
  if (value === 'default') {
    webhooks.push(
      {
        name: 'namespace.sidecar-injector.istio.io',
        ...common,
        namespaceSelector: {
          matchExpressions: [requirement(INJECTION_LABEL, 'In', ['enabled'])],
        },
        objectSelector: {
          matchExpressions: [requirement(INJECT_LABEL, 'NotIn', ['false'])],
        },
      },
      {
        name: 'object.sidecar-injector.istio.io',
        ...common,
        namespaceSelector: {
          matchExpressions: [
            requirement(INJECTION_LABEL, 'DoesNotExist'),
            requirement(REV_LABEL, 'DoesNotExist'),
          ],
        },
        objectSelector: {
          matchExpressions: [
            requirement(INJECT_LABEL, 'In', ['true']),
            requirement(REV_LABEL, 'DoesNotExist'),
          ],
        },
      },
    );
  }
  return webhooks;
}

/** OSSM 2 selects member namespaces; the per-pod decision is the injector policy's. */
function maistraWebhooks(
  controlPlaneNamespace: string,
  service: Record<string, unknown>,
) {
  return [
    {
      name: 'sidecar-injector.istio.io',
      admissionReviewVersions: ['v1beta1', 'v1'],
      clientConfig: { service },
      failurePolicy: 'Fail',
      matchPolicy: 'Exact',
      reinvocationPolicy: 'Never',
      namespaceSelector: {
        matchLabels: { 'maistra.io/member-of': controlPlaneNamespace },
      },
      objectSelector: {
        matchExpressions: [requirement(INJECT_LABEL, 'NotIn', ['false'])],
      },
      rules: POD_CREATE_RULES,
      sideEffects: 'None',
      timeoutSeconds: 10,
    },
  ];
}

function webhookService(namespace: string, revision: string) {
  return { name: istiodName(revision), namespace, path: '/inject', port: 443 };
}

/** Creates or replaces one injection MutatingWebhookConfiguration. */
function applyWebhookConfiguration(
  api: ClusterApi,
  metadata: Pick<KubeObject['metadata'], 'name' | 'labels' | 'ownerReferences'>,
  webhooks: unknown[],
): void {
  upsert(
    api,
    MUTATING_WEBHOOKS,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: metadata.name,
        labels: metadata.labels,
        ...(metadata.ownerReferences
          ? { ownerReferences: metadata.ownerReferences }
          : {}),
      },
      webhooks,
    },
    // The webhooks are replaced whole, as `istioctl` and Helm do.
    (existing, desired) => ({
      ...existing,
      metadata: { ...existing.metadata, labels: desired.metadata.labels },
      webhooks: desired.webhooks,
    }),
  );
}

/** The MutatingWebhookConfiguration that sends a revision's pods to its istiod. */
export function applyRevisionWebhook(
  api: ClusterApi,
  rev: ControlPlaneRevision,
  labels: Record<string, string>,
): void {
  const service = webhookService(rev.namespace, rev.revision);
  applyWebhookConfiguration(
    api,
    {
      name: webhookConfigName(rev),
      labels: {
        ...labels,
        app: 'sidecar-injector',
        'istio.io/owned-by': rev.managedBy ?? 'Helm',
      },
      ownerReferences: rev.ownerReferences,
    },
    rev.webhookStyle === 'maistra'
      ? maistraWebhooks(rev.namespace, service)
      : istioWebhooks(rev.revision, service),
  );
}

/** `istioctl tag set <tag> --revision <revision>`: a webhook on `istio.io/rev=<tag>`. */
export function applyRevisionTag(api: ClusterApi, tag: RevisionTag): void {
  applyWebhookConfiguration(
    api,
    {
      name: tagWebhookConfigName(tag.tag),
      labels: {
        app: 'sidecar-injector',
        [ISTIO_TAG_LABEL]: tag.tag,
        [REV_LABEL]: tag.revision,
        [MANAGED_BY_LABEL]: tag.managedBy ?? 'istioctl',
      },
      ownerReferences: tag.ownerReferences,
    },
    istioWebhooks(tag.tag, webhookService(tag.namespace, tag.revision)),
  );
}

export function deleteRevisionTag(api: ClusterApi, tag: string): void {
  deleteIfExists(api, MUTATING_WEBHOOKS, undefined, tagWebhookConfigName(tag));
}
