import { FieldError } from './status';
import { KubeObject, ResourceType } from './types';

/** Where each kind holds a pod spec, by `group/plural`. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  '/pods': ['spec'],
  '/replicationcontrollers': ['spec', 'template', 'spec'],
  'apps/deployments': ['spec', 'template', 'spec'],
  'apps/replicasets': ['spec', 'template', 'spec'],
  'apps/statefulsets': ['spec', 'template', 'spec'],
  'apps/daemonsets': ['spec', 'template', 'spec'],
  'batch/jobs': ['spec', 'template', 'spec'],
};

interface PodSpec {
  containers?: Array<{ name?: string }>;
  initContainers?: Array<{ name?: string }>;
}

/**
 * Container names must be unique across containers and init containers, as
 * the apiserver's pod validation says (`Duplicate value`).
 */
export function podSpecErrors(
  resource: ResourceType,
  object: KubeObject,
): FieldError[] {
  const path = POD_SPEC_PATHS[`${resource.group}/${resource.plural}`];
  if (!path) return [];
  let spec: unknown = object;
  for (const segment of path) {
    spec = (spec as Record<string, unknown> | undefined)?.[segment];
  }
  const { containers = [], initContainers = [] } = (spec ?? {}) as PodSpec;
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const [list, items] of [
    ['initContainers', initContainers],
    ['containers', containers],
  ] as const) {
    items.forEach((container, index) => {
      const name = container.name ?? '';
      if (seen.has(name)) {
        errors.push({
          field: `${path.join('.')}.${list}[${index}].name`,
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${JSON.stringify(name)}`,
        });
      }
      seen.add(name);
    });
  }
  return errors;
}
