import { apiVersionOf } from './objects';
import { parseFieldSelector } from './selectors';
import { ApiError, ResourceType } from './types';

const CORE_EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

/**
 * The field labels a real apiserver supports beyond metadata.name (and
 * metadata.namespace for namespaced kinds), by `group/plural`, from each
 * kind's GetAttrs in kube-apiserver.
 */
const EXTRA_FIELD_LABELS: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/events': CORE_EVENT_FIELDS,
  'events.k8s.io/events': CORE_EVENT_FIELDS,
  '/namespaces': ['status.phase'],
  '/secrets': ['type'],
  '/nodes': ['spec.unschedulable'],
  '/replicationcontrollers': ['status.replicas'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
  'certificates.k8s.io/certificatesigningrequests': ['spec.signerName'],
};

export function supportedFieldLabels(resource: ResourceType): string[] {
  return [
    'metadata.name',
    ...(resource.namespaced ? ['metadata.namespace'] : []),
    ...(EXTRA_FIELD_LABELS[`${resource.group}/${resource.plural}`] ?? []),
  ];
}

/**
 * Refuses a field selector on a label the kind does not support with the
 * apiserver's 400 (a real one never answers such a list with an empty one).
 */
export function checkFieldLabels(
  resource: ResourceType,
  version: string,
  selectors: { labelSelector?: string; fieldSelector?: string },
): void {
  if (!selectors.fieldSelector) return;
  const supported = supportedFieldLabels(resource);
  for (const { path } of parseFieldSelector(selectors.fieldSelector)) {
    const label = path.join('.').replace(/^source\.component$/, 'source');
    if (!supported.includes(label)) {
      const groupVersion = resource.group
        ? apiVersionOf(resource.group, version)
        : `/${version}`;
      throw new ApiError(
        400,
        'BadRequest',
        `Unable to find "${groupVersion}, Resource=${
          resource.plural
        }" that match label selector "${
          selectors.labelSelector ?? ''
        }", field selector "${
          selectors.fieldSelector
        }": field label not supported: ${label}`,
      );
    }
  }
}
