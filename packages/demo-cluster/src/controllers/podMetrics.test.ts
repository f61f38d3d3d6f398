import { ClusterStore } from '../apiserver/ClusterStore';
import { PODS } from './common';
import { POD_METRICS, startPodMetricsController } from './podMetrics';

describe('startPodMetricsController', () => {
  it('serves usage for running pods and drops it with the pod', () => {
    const api = new ClusterStore();
    api.create(
      { group: '', plural: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } },
    );
    const stop = startPodMetricsController(api);
    const pod = api.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reviews-1', namespace: 'bookinfo' },
      spec: { containers: [{ name: 'reviews' }, { name: 'istio-proxy' }] },
    });
    expect(api.get(POD_METRICS, 'bookinfo', 'reviews-1')).toBeUndefined();

    api.updateStatus(PODS, { ...pod, status: { phase: 'Running' } });
    const metrics = api.get(POD_METRICS, 'bookinfo', 'reviews-1') as any;
    expect(metrics.containers.map((c: any) => c.name)).toEqual([
      'reviews',
      'istio-proxy',
    ]);
    expect(metrics.containers[1].usage.memory).toMatch(/^\d+Mi$/);

    api.delete(PODS, 'bookinfo', 'reviews-1');
    expect(api.get(POD_METRICS, 'bookinfo', 'reviews-1')).toBeUndefined();
    stop();
  });
});
