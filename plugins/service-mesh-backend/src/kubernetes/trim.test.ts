import { trimObject } from './trim';

describe('trimObject', () => {
  it('keeps what the upgrade gate reads of a pod: readiness, CrashLoopBackOff, native sidecars', () => {
    const pod = trimObject('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api-1', namespace: 'shop', managedFields: [{}] },
      spec: {
        containers: [
          { name: 'api', image: 'shop/api:1', env: [{ name: 'A' }] },
        ],
        initContainers: [
          {
            name: 'istio-proxy',
            image: 'istio/proxyv2:1.24.3',
            restartPolicy: 'Always',
          },
        ],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.1',
        conditions: [
          { type: 'Ready', status: 'False', lastProbeTime: null },
          { type: 'PodScheduled', status: 'True' },
        ],
        containerStatuses: [
          {
            name: 'api',
            ready: false,
            restartCount: 4,
            image: 'shop/api:1',
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' },
            },
          },
        ],
        initContainerStatuses: [
          {
            name: 'istio-proxy',
            ready: true,
            restartCount: 0,
            state: { running: {} },
          },
        ],
      },
    });
    expect(pod.metadata.managedFields).toBeUndefined();
    expect(pod.status).toEqual({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'api',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
      initContainerStatuses: [
        { name: 'istio-proxy', ready: true, restartCount: 0 },
      ],
    });
    expect(pod.spec.initContainers).toEqual([
      {
        name: 'istio-proxy',
        image: 'istio/proxyv2:1.24.3',
        restartPolicy: 'Always',
      },
    ]);
  });
});
