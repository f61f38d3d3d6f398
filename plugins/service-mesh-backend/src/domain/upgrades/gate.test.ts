import type { Pod, Workload } from '../kube';
import type { ClusterSnapshot } from '../snapshot';
import { deployment, namespace, podOf } from '../__fixtures__';
import {
  evaluateGate,
  failedPods,
  GateBatch,
  GateTarget,
  namedPods,
} from './gate';
import { crashLooping, readyPod } from './__fixtures__/scenarios';

const target: GateTarget = { revision: '1-24-3', version: '1.24.3' };
const startedAt = '2025-03-01T10:00:00.000Z';
const after = (seconds: number) =>
  new Date(new Date(startedAt).getTime() + seconds * 1000);
const batch: GateBatch = {
  namespaces: [{ namespace: 'checkout' }],
  deadlineSeconds: 120,
};

function onTarget(workload: Workload, suffix: string, native = false): Pod {
  return readyPod(
    podOf(workload, suffix, {
      proxy: { revision: '1-24-3', version: '1.24.3', native },
    }),
  );
}

function onOld(workload: Workload, suffix: string): Pod {
  return readyPod(
    podOf(workload, suffix, {
      proxy: { revision: '1-23-1', version: '1.23.1' },
    }),
  );
}

function scenario(pods: (api: Workload) => Pod[], replicas = 3) {
  const api = deployment('checkout-api', 'checkout');
  api.spec.replicas = replicas;
  const snapshot: ClusterSnapshot = {
    cluster: 'dev',
    namespaces: [namespace('checkout', { 'istio.io/rev': '1-24-3' })],
    workloads: [api],
    pods: pods(api),
    services: [],
    mutatingWebhookConfigurations: [],
  };
  return { snapshot, api };
}

/** The gate's decision on the default batch and target, that many seconds in. */
const decideAt = (snapshot: ClusterSnapshot, seconds: number) =>
  evaluateGate(snapshot, batch, target, startedAt, after(seconds));

describe('evaluateGate', () => {
  it('passes when every running pod is Ready on the target', () => {
    const { snapshot } = scenario(api => [
      onTarget(api, 'a'),
      onTarget(api, 'b'),
      onTarget(api, 'c'),
    ]);
    expect(
      evaluateGate(snapshot, batch, target, startedAt, after(30)),
    ).toMatchObject({
      result: 'pass',
    });
  });

  it('waits within the deadline, then fails with a reason a person understands', () => {
    const { snapshot } = scenario(api => [
      onTarget(api, 'a'),
      crashLooping(onTarget(api, 'b')),
      crashLooping(onTarget(api, 'c')),
    ]);
    expect(
      evaluateGate(snapshot, batch, target, startedAt, after(60)),
    ).toMatchObject({
      result: 'wait',
    });
    expect(
      evaluateGate(snapshot, batch, target, startedAt, after(120)),
    ).toEqual(
      expect.objectContaining({
        result: 'fail',
        reason:
          'checkout/checkout-api: 2 of 3 pods not Ready after 120 s (CrashLoopBackOff) - pods checkout-api-b, checkout-api-c',
        problems: [
          expect.objectContaining({
            pods: ['checkout-api-b', 'checkout-api-c'],
          }),
        ],
      }),
    );
  });

  it('reads the proxy from the status annotation and image, not the labels', () => {
    const { snapshot } = scenario(api => {
      const pod = onOld(api, 'a');
      pod.metadata.labels!['istio.io/rev'] = '1-24-3';
      return [pod];
    }, 1);
    const decision = evaluateGate(
      snapshot,
      batch,
      target,
      startedAt,
      after(120),
    );
    expect(decision).toMatchObject({
      result: 'fail',
      reason:
        'checkout/checkout-api: 1 of 1 pod still on 1-23-1 (1.23.1), not 1-24-3 (1.24.3) - pod checkout-api-a',
    });
  });

  it('tells an old proxy version on the same revision apart (OSSM 2)', () => {
    const { snapshot } = scenario(
      api => [
        readyPod(
          podOf(api, 'a', { proxy: { revision: 'basic', version: '2.5.2' } }),
        ),
      ],
      1,
    );
    const ossm2 = { revision: 'basic', version: '2.6' };
    expect(
      evaluateGate(snapshot, batch, ossm2, startedAt, after(200)),
    ).toMatchObject({
      result: 'fail',
    });
    snapshot.pods = [
      readyPod(
        podOf(snapshot.workloads[0], 'b', {
          proxy: { revision: 'basic', version: '2.6.1' },
        }),
      ),
    ];
    expect(
      evaluateGate(snapshot, batch, ossm2, startedAt, after(200)),
    ).toMatchObject({
      result: 'pass',
    });
  });

  it('never waits for Completed or Failed Job pods', () => {
    const { snapshot, api } = scenario(w => [onTarget(w, 'a')], 1);
    const job = deployment('nightly', 'checkout');
    snapshot.pods.push(
      podOf(api, 'done', {
        proxy: { revision: '1-23-1', version: '1.23.1' },
        phase: 'Succeeded',
      }),
      {
        ...podOf(job, 'x', {
          proxy: { revision: '1-23-1', version: '1.23.1' },
          phase: 'Failed',
        }),
        metadata: {
          ...podOf(job, 'x').metadata,
          ownerReferences: [{ kind: 'Job', name: 'nightly', controller: true }],
        },
      },
    );
    expect(
      evaluateGate(snapshot, batch, target, startedAt, after(500)),
    ).toMatchObject({
      result: 'pass',
    });
  });

  it('reports opted-out workloads without waiting for them', () => {
    const { snapshot } = scenario(api => [onTarget(api, 'a')], 1);
    const batchJob = deployment('exporter', 'checkout', {
      labels: { app: 'exporter' },
      annotations: { 'sidecar.istio.io/inject': 'false' },
    });
    snapshot.workloads.push(batchJob);
    snapshot.pods.push(readyPod(podOf(batchJob, 'a')));
    const decision = evaluateGate(
      snapshot,
      batch,
      target,
      startedAt,
      after(500),
    );
    expect(decision).toMatchObject({
      result: 'pass',
      optedOut: [
        {
          namespace: 'checkout',
          workload: { kind: 'Deployment', name: 'exporter' },
        },
      ],
    });
  });

  it('counts native sidecars (istio-proxy as a restartable init container)', () => {
    const { snapshot } = scenario(api => [onTarget(api, 'a', true)], 1);
    expect(snapshot.pods[0].spec.initContainers).toContainEqual(
      expect.objectContaining({ name: 'istio-proxy', restartPolicy: 'Always' }),
    );
    expect(
      evaluateGate(snapshot, batch, target, startedAt, after(10)),
    ).toMatchObject({
      result: 'pass',
    });
    // A crash-looping native sidecar keeps the pod from passing.
    snapshot.pods[0].status = {
      phase: 'Running',
      containerStatuses: [{ name: 'checkout-api', ready: true }],
      initContainerStatuses: [
        {
          name: 'istio-proxy',
          ready: false,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    };
    expect(
      evaluateGate(snapshot, batch, target, startedAt, after(130)),
    ).toMatchObject({
      result: 'fail',
      reason:
        'checkout/checkout-api: 1 of 1 pod not Ready after 130 s (CrashLoopBackOff) - pod checkout-api-a',
    });
  });

  it('fails on FailedCreate and on missing replicas', () => {
    const { snapshot, api } = scenario(w => [onTarget(w, 'a')], 3);
    api.status = {
      conditions: [
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message:
            'admission webhook "rev.namespace.sidecar-injector.istio.io" denied the request',
        },
      ],
    };
    const decision = evaluateGate(
      snapshot,
      batch,
      target,
      startedAt,
      after(120),
    );
    expect(decision.result).toBe('fail');
    expect(decision.result === 'fail' && decision.reason).toBe(
      'checkout/checkout-api: cannot create pods (FailedCreate: admission webhook "rev.namespace.sidecar-injector.istio.io" denied the request), 1 of 3 replicas running',
    );
  });

  it('says when the restart of this step is not applied yet, unless the pods are already on the target', () => {
    const { snapshot } = scenario(api => [onOld(api, 'a')], 1);
    const stamped = {
      namespaces: [{ namespace: 'checkout', restartStamp: startedAt }],
      deadlineSeconds: 120,
    };
    expect(
      evaluateGate(snapshot, stamped, target, startedAt, after(10)),
    ).toMatchObject({
      result: 'wait',
      message:
        'checkout/checkout-api: restart not applied yet, 1 of 1 pod still on 1-23-1 (1.23.1), not 1-24-3 (1.24.3) - pod checkout-api-a',
    });
    snapshot.pods = [onTarget(snapshot.workloads[0], 'b')];
    expect(
      evaluateGate(snapshot, stamped, target, startedAt, after(10)),
    ).toMatchObject({ result: 'pass' });
  });

  it('names at most ten pods of a workload and counts the rest', () => {
    const { snapshot } = scenario(
      api =>
        Array.from({ length: 12 }, (_, i) =>
          crashLooping(onTarget(api, String(i).padStart(2, '0'))),
        ),
      12,
    );
    const decision = decideAt(snapshot, 120);
    expect(decision.result === 'fail' && decision.reason).toBe(
      'checkout/checkout-api: 12 of 12 pods not Ready after 120 s (CrashLoopBackOff) - pods checkout-api-00, checkout-api-01, checkout-api-02, checkout-api-03, checkout-api-04, checkout-api-05, checkout-api-06, checkout-api-07, checkout-api-08, checkout-api-09 and 2 more',
    );
    // The decision keeps every name; only the words are bounded.
    expect(
      decision.result === 'fail' && decision.problems[0].pods,
    ).toHaveLength(12);
  });

  it('names only the pods concerned, not the healthy ones', () => {
    const { snapshot } = scenario(api => [
      onTarget(api, 'a'),
      onOld(api, 'b'),
      crashLooping(onTarget(api, 'c')),
    ]);
    const decision = decideAt(snapshot, 120);
    expect(decision.result === 'fail' && decision.problems[0].pods).toEqual([
      'checkout-api-b',
      'checkout-api-c',
    ]);
  });
});

describe('namedPods', () => {
  it('lists names up to the bound, then counts the rest', () => {
    expect(namedPods([])).toBe('');
    expect(namedPods(['a'])).toBe('a');
    expect(namedPods(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(namedPods(['a', 'b', 'c', 'd'], 3)).toBe('a, b, c and 1 more');
  });
});

describe('failedPods', () => {
  it('keeps the first names in order and counts them all', () => {
    expect(failedPods(['c', 'a', 'b'], 2)).toEqual({
      names: ['a', 'b'],
      total: 3,
    });
    expect(failedPods([])).toEqual({ names: [], total: 0 });
  });
});
