import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  LabelSelector,
  matchesLabelSelector,
  parseLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { InputError } from '@backstage/errors';
import { LRUCache } from 'lru-cache';
import type { MeshCluster } from '../kubernetes/ClusterRegistry';

/** What an entity's Kubernetes annotations say about where it runs. */
export interface EntityKubernetesScope {
  /** `backstage.io/kubernetes-cluster`: only this cluster, when set. */
  cluster?: string;
  /** `backstage.io/kubernetes-namespace`. */
  namespace?: string;
  /** From `backstage.io/kubernetes-label-selector`, or `backstage.io/kubernetes-id`. */
  workloadSelector?: LabelSelector;
}

/**
 * Reads the Kubernetes plugin's annotations, so that an entity already shown
 * in the Kubernetes tab needs nothing new. The label selector wins over the
 * id, as in the Kubernetes plugin.
 */
export function readEntityScope(entity: Entity): EntityKubernetesScope {
  const annotations = entity.metadata.annotations ?? {};
  const selectorText = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  let workloadSelector: LabelSelector | undefined;
  if (selectorText) {
    try {
      workloadSelector = parsedSelector(selectorText);
    } catch (error) {
      throw new InputError(
        `Entity annotation ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} is not a valid label selector: ${
          (error as Error).message
        }`,
      );
    }
  } else if (id) {
    workloadSelector = { matchLabels: { [KUBERNETES_ID_LABEL]: id } };
  }
  return {
    cluster: annotations[KUBERNETES_CLUSTER_ANNOTATION] || undefined,
    namespace: annotations[KUBERNETES_NAMESPACE_ANNOTATION] || undefined,
    workloadSelector,
  };
}

/**
 * Selectors by annotation text, parsed once: an entity's status is read far
 * more often than its annotations change. Shared, so read-only.
 */
const parsedSelectors = new LRUCache<string, LabelSelector>({ max: 1_000 });

function parsedSelector(text: string): LabelSelector {
  let selector = parsedSelectors.get(text);
  if (!selector) {
    selector = parseLabelSelector(text);
    parsedSelectors.set(text, selector);
  }
  return selector;
}

interface LabelledObject {
  metadata: { namespace?: string; labels?: Record<string, string> };
}

/**
 * The namespaces of one cluster that belong to the entity: its namespace
 * annotation (when that namespace exists), else the namespaces holding
 * workloads or pods its selector matches.
 */
export function namespacesOfEntity(
  scope: EntityKubernetesScope,
  cluster: {
    name: string;
    namespaceExists(name: string): boolean;
    /**
     * Deployments, StatefulSets, DaemonSets and pods of the cluster; those
     * that may match `selector` are enough (a cache answers from its label
     * index), as every one is checked against it here.
     */
    workloads(selector: LabelSelector): Iterable<LabelledObject>;
  },
): string[] {
  if (scope.cluster && scope.cluster !== cluster.name) return [];
  if (scope.namespace) {
    return cluster.namespaceExists(scope.namespace) ? [scope.namespace] : [];
  }
  if (!scope.workloadSelector) return [];
  const namespaces = new Set<string>();
  for (const workload of cluster.workloads(scope.workloadSelector)) {
    const namespace = workload.metadata.namespace;
    if (
      namespace &&
      !namespaces.has(namespace) &&
      matchesLabelSelector(scope.workloadSelector, workload.metadata.labels)
    ) {
      namespaces.add(namespace);
    }
  }
  return [...namespaces].sort();
}

/**
 * {@link namespacesOfEntity} on a cluster's cache: its namespaces, and the
 * workloads and pods its label index finds for the selector, so the cost is
 * that of the entity's own objects, not of the cluster.
 */
export function namespacesOfEntityOn(
  scope: EntityKubernetesScope,
  cluster: MeshCluster,
): string[] {
  const { cache } = cluster;
  return namespacesOfEntity(scope, {
    name: cluster.config.name,
    namespaceExists: name => Boolean(cache.get('namespaces', undefined, name)),
    workloads: function* workloads(selector) {
      yield* cache.matching('deployments', selector);
      yield* cache.matching('statefulsets', selector);
      yield* cache.matching('daemonsets', selector);
      yield* cache.matching('pods', selector);
    },
  });
}
