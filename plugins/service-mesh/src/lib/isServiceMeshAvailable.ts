import type { Entity } from '@backstage/catalog-model';
import { hasKubernetesAnnotations } from '@mesh-backstage/plugin-service-mesh-common';

/**
 * Whether the entity carries the Kubernetes plugin's annotations that tell
 * the backend which namespaces and workloads are the entity's.
 *
 * @public
 */
export function isServiceMeshAvailable(entity: Entity): boolean {
  return hasKubernetesAnnotations(entity);
}
