import {
  ADMISSION,
  APPS,
  bool,
  CORE,
  int,
  list,
  META,
  object,
  open,
  ref,
  Schema,
  str,
  strings,
} from './schemaDsl';

/** The apps/v1 workloads and the admission webhooks, for `kubectl explain`. */
export const APPS_SCHEMAS: Record<string, Schema> = {
  [`${APPS}.DeploymentSpec`]: object(
    'The desired state of a Deployment.',
    {
      replicas: int('The number of pods wanted. Defaults to 1.'),
      selector: ref(
        `${META}.LabelSelector`,
        'The pods the Deployment manages; must match the template’s labels. Immutable.',
      ),
      template: ref(`${CORE}.PodTemplateSpec`, 'The pods it creates.'),
      strategy: open(
        'How pods are replaced: RollingUpdate (maxSurge, maxUnavailable) or Recreate.',
      ),
      minReadySeconds: int(
        'How long a new pod must be ready to count as available.',
      ),
      revisionHistoryLimit: int(
        'How many old ReplicaSets to keep. Defaults to 10.',
      ),
      progressDeadlineSeconds: int(
        'How long a rollout may make no progress before it is reported failed.',
      ),
      paused: bool('Whether the rollout is paused.'),
    },
    ['selector', 'template'],
  ),
  [`${APPS}.DeploymentStatus`]: object(
    'The most recently observed state of a Deployment.',
    {
      observedGeneration: {
        type: 'integer',
        format: 'int64',
        description: 'The generation the controller has acted on.',
      },
      replicas: int('Pods of the Deployment.'),
      updatedReplicas: int('Pods of the current template.'),
      readyReplicas: int('Pods that are ready.'),
      availableReplicas: int('Pods ready for at least minReadySeconds.'),
      conditions: {
        type: 'array',
        items: open('Available, Progressing or ReplicaFailure, with a reason.'),
        description: 'The latest observations of the rollout.',
      },
    },
  ),
  [`${APPS}.ReplicaSetSpec`]: object(
    'The desired state of a ReplicaSet.',
    {
      replicas: int('The number of pods wanted. Defaults to 1.'),
      selector: ref(`${META}.LabelSelector`, 'The pods it counts as its own.'),
      template: ref(`${CORE}.PodTemplateSpec`, 'The pods it creates.'),
      minReadySeconds: int(
        'How long a new pod must be ready to count as available.',
      ),
    },
    ['selector'],
  ),
  [`${APPS}.StatefulSetSpec`]: object(
    'The desired state of a StatefulSet: pods with stable names (<name>-0, -1, ...).',
    {
      replicas: int('The number of pods wanted. Defaults to 1.'),
      selector: ref(`${META}.LabelSelector`, 'The pods it manages.'),
      template: ref(`${CORE}.PodTemplateSpec`, 'The pods it creates.'),
      serviceName: str(
        'The headless service that gives the pods their DNS names.',
      ),
      podManagementPolicy: str('OrderedReady (the default) or Parallel.', {
        enum: ['OrderedReady', 'Parallel'],
      }),
      updateStrategy: open('RollingUpdate (with partition) or OnDelete.'),
    },
    ['selector', 'template'],
  ),
  [`${APPS}.DaemonSetSpec`]: object(
    'The desired state of a DaemonSet: one pod on every matching node.',
    {
      selector: ref(`${META}.LabelSelector`, 'The pods it manages.'),
      template: ref(`${CORE}.PodTemplateSpec`, 'The pods it creates.'),
      updateStrategy: open(
        'RollingUpdate (maxUnavailable, maxSurge) or OnDelete.',
      ),
    },
    ['selector', 'template'],
  ),
  [`${ADMISSION}.MutatingWebhook`]: object(
    'One admission webhook: what it is called for and how to reach it.',
    {
      name: str(
        'The webhook’s name, qualified like a domain (e.g. sidecar-injector.istio.io).',
      ),
      clientConfig: open(
        'How to reach the webhook: a service (namespace, name, path, port) or a url, and a caBundle.',
      ),
      rules: {
        type: 'array',
        items: open(
          'Operations, apiGroups, apiVersions, resources and scope it is called for.',
        ),
        description: 'The requests the webhook is called for.',
      },
      namespaceSelector: ref(
        `${META}.LabelSelector`,
        'The namespaces whose objects it is called for, by their labels (istio-injection, istio.io/rev, ...).',
      ),
      objectSelector: ref(
        `${META}.LabelSelector`,
        'The objects it is called for, by their own labels (sidecar.istio.io/inject, ...).',
      ),
      failurePolicy: str(
        'Fail (refuse the request when the webhook cannot be called) or Ignore.',
        {
          enum: ['Fail', 'Ignore'],
        },
      ),
      matchPolicy: str('Exact or Equivalent.', {
        enum: ['Equivalent', 'Exact'],
      }),
      sideEffects: str(
        'None or NoneOnDryRun for a webhook called on dry runs.',
      ),
      reinvocationPolicy: str('Never or IfNeeded.', {
        enum: ['IfNeeded', 'Never'],
      }),
      timeoutSeconds: int('How long the call may take, 1 to 30 seconds.'),
      admissionReviewVersions: strings(
        'AdmissionReview versions the webhook accepts.',
      ),
    },
    ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'],
  ),
};

/** Top-level fields of kinds without spec and status, by `group/version/kind`. */
export const TOP_LEVEL_FIELDS: Record<string, Record<string, Schema>> = {
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': {
    webhooks: list(
      `${ADMISSION}.MutatingWebhook`,
      'The webhooks, called in order.',
    ),
  },
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': {
    webhooks: {
      type: 'array',
      items: open(
        'A validating webhook: name, clientConfig, rules, selectors, failurePolicy.',
      ),
      description: 'The webhooks, called in any order.',
    },
  },
};
