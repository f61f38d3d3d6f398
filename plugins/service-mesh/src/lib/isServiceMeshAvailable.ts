import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';

/**
 * Whether the entity carries the Kubernetes plugin's annotations that tell
 * the backend which namespaces and workloads are the entity's.
 *
 * @public
 */
export function isServiceMeshAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return [
    KUBERNETES_ID_ANNOTATION,
    KUBERNETES_NAMESPACE_ANNOTATION,
    KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  ].some(key => Boolean(annotations[key]));
}
