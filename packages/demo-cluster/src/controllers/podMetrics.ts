import { createHash } from 'node:crypto';
import { ClusterApi, KubeObject, ResourceRef } from '../apiserver/types';
import { PODS } from './common';

export const POD_METRICS: ResourceRef = {
  group: 'metrics.k8s.io',
  plural: 'pods',
};

/** A stable small number from a name, so usage does not jump between reads. */
function spread(name: string, min: number, max: number): number {
  const byte = createHash('sha1').update(name).digest()[0];
  return min + Math.round((byte / 255) * (max - min));
}

function usageOf(pod: KubeObject) {
  const containers = ((pod.spec as any)?.containers ?? []) as Array<{
    name: string;
  }>;
  const sidecars = ((pod.spec as any)?.initContainers ?? []).filter(
    (c: { restartPolicy?: string }) => c.restartPolicy === 'Always',
  );
  return [...containers, ...sidecars].map(({ name }) => {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}/${name}`;
    const proxy = name === 'istio-proxy';
    return {
      name,
      usage: {
        cpu: `${spread(key, proxy ? 3 : 1, proxy ? 12 : 40)}m`,
        memory: `${spread(key, proxy ? 38 : 20, proxy ? 60 : 180)}Mi`,
      },
    };
  });
}

/**
 * Plays metrics-server: a PodMetrics (`metrics.k8s.io/v1beta1`) for every
 * running pod, owned by the pod so it goes with it. The Backstage Kubernetes
 * plugin reads these for its resource-usage columns, and warns on a cluster
 * that does not serve them.
 */
export function startPodMetricsController(api: ClusterApi): () => void {
  api.registerResource({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    kind: 'PodMetrics',
    plural: 'pods',
    singular: '',
    namespaced: true,
  });
  const sync = (pod: KubeObject) => {
    const { name, namespace, uid } = pod.metadata;
    const running = (pod.status as any)?.phase === 'Running';
    const existing = api.get(POD_METRICS, namespace, name!);
    if (!running || existing || pod.metadata.deletionTimestamp) return;
    api.create(POD_METRICS, {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: {
        name,
        namespace,
        labels: pod.metadata.labels,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: name!, uid: uid! },
        ],
      },
      timestamp: new Date().toISOString(),
      window: '30s',
      containers: usageOf(pod),
    });
  };
  api.list(PODS).forEach(sync);
  return api.subscribe(event => {
    if (
      event.type !== 'DELETED' &&
      event.resource.group === '' &&
      event.resource.plural === 'pods'
    ) {
      sync(event.object);
    }
  });
}
