import type {
  KubeOperation,
  ObjectChange,
  ServiceMeshActionName,
  ServiceMeshActionRequests,
} from '@mesh-backstage/plugin-service-mesh-common';
import { DEFAULT_SERVICE_ENTRY_NAME } from '@mesh-backstage/plugin-service-mesh-common';

/*
 * Plans in plain words ("Set istio-injection to enabled; remove
 * istio.io/rev"), from the field changes of their operations rather than
 * from what was asked, so the words say what the write really does.
 */

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Map keys people know by name: labels and annotations, on the object or its pod template. */
const NAMED_MAPS: Array<{ prefix: string[]; noun: string }> = [
  { prefix: ['metadata', 'labels'], noun: '' },
  { prefix: ['metadata', 'annotations'], noun: '' },
  {
    prefix: ['spec', 'template', 'metadata', 'annotations'],
    noun: ' on the pod template',
  },
  {
    prefix: ['spec', 'template', 'metadata', 'labels'],
    noun: ' on the pod template',
  },
];

/** What people call a field: `istio-injection` for a label, `members` for spec.members. */
function fieldName(path: string[]): { name: string; where: string } {
  for (const { prefix, noun } of NAMED_MAPS) {
    if (
      path.length === prefix.length + 1 &&
      prefix.every((segment, i) => path[i] === segment)
    ) {
      return { name: path[prefix.length], where: noun };
    }
  }
  const name = (path[0] === 'spec' ? path.slice(1) : path).join('.');
  return { name: name || 'the object', where: '' };
}

/** One field change in words, without a capital: "set istio-injection to enabled". */
export function describeObjectChange(change: ObjectChange): string {
  const { name, where } = fieldName(change.path);
  const hasBefore = 'before' in change;
  const hasAfter = 'after' in change;
  if (change.item) {
    return hasAfter
      ? `add ${valueText(change.after)} to ${name}${where}`
      : `remove ${valueText(change.before)} from ${name}${where}`;
  }
  if (!hasAfter) {
    return `remove ${name}${where}`;
  }
  if (!hasBefore) {
    return `set ${name}${where} to ${valueText(change.after)}`;
  }
  return `change ${name}${where} from ${valueText(
    change.before,
  )} to ${valueText(change.after)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function target(operation: KubeOperation): string {
  if (operation.kind === 'Namespace') return `namespace ${operation.name}`;
  return operation.namespace
    ? `${operation.kind} ${operation.name} in ${operation.namespace}`
    : `${operation.kind} ${operation.name}`;
}

/** One operation in words: "Set istio-injection to enabled; remove istio.io/rev (namespace demo)". */
export function describeOperation(operation: KubeOperation): string {
  if (operation.verb === 'delete') {
    return `Delete ${target(operation)}`;
  }
  if (operation.verb === 'create') {
    return `Create ${target(operation)}`;
  }
  const changes = operation.changes ?? [];
  if (changes.length === 0 || !changes.every(isNamedValue)) {
    // Structures (a Sidecar's egress list) read better in the planner's words.
    return operation.summary || `Update ${target(operation)}`;
  }
  return `${capitalize(changes.map(describeObjectChange).join('; '))} (${target(
    operation,
  )})`;
}

/** A change whose values read as words: strings, numbers and booleans. */
function isNamedValue(change: ObjectChange): boolean {
  return [change.before, change.after].every(
    v => v === undefined || ['string', 'number', 'boolean'].includes(typeof v),
  );
}

/**
 * What a request that changes nothing found, worded neutrally: the state is
 * already as asked, which is neither a success nor a failure.
 */
export function alreadyDone<A extends ServiceMeshActionName>(
  action: A,
  request: ServiceMeshActionRequests[A],
): string {
  switch (action) {
    case 'enroll':
      return 'Already a member of the mesh';
    case 'unenroll':
      return 'Already outside the mesh';
    case 'setInjection': {
      const { injection } =
        request as ServiceMeshActionRequests['setInjection'];
      return injection === 'removed'
        ? 'No injection setting to remove'
        : `Injection is already ${injection}`;
    }
    case 'switchRevision':
      return `Already on ${
        (request as ServiceMeshActionRequests['switchRevision']).revision
      }`;
    case 'restart':
      return 'Nothing to restart: these workloads were already restarted, or there are none';
    case 'sidecarEgress':
      return 'The Sidecar egress is already as asked';
    case 'serviceEntry': {
      const { name, namespace, hosts } =
        request as ServiceMeshActionRequests['serviceEntry'];
      return `ServiceEntry ${
        name ?? DEFAULT_SERVICE_ENTRY_NAME
      } in ${namespace} already declares ${[...new Set(hosts)].join(', ')}`;
    }
    default:
      return 'Already as asked';
  }
}

/** The whole plan in words, one sentence per operation. */
export function describePlan<A extends ServiceMeshActionName>(
  action: A,
  request: ServiceMeshActionRequests[A],
  operations: KubeOperation[],
): string {
  if (operations.length === 0) {
    return alreadyDone(action, request);
  }
  // A restart's annotations (a timestamp, a key) say nothing to people.
  const describe =
    action === 'restart' ? (o: KubeOperation) => o.summary : describeOperation;
  return operations.map(describe).join('. ');
}
