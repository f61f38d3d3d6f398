import { ClusterStore } from '../apiserver/ClusterStore';
import { ApiError, KubeObject } from '../apiserver/types';
import { waitFor } from '../waitFor';
import {
  DAEMON_SETS,
  DEPLOYMENTS,
  EVENTS,
  PODS,
  REPLICA_SETS,
  STATEFUL_SETS,
  ensureNamespace,
} from './common';
import { isPodReady, startWorkloadsController } from './workloads';

function deployment(
  name: string,
  replicas: number,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, version: 'v1' } },
        spec: { containers: [{ name, image: `quay.io/demo/${name}:1.0` }] },
      },
    },
    ...extra,
  };
}

describe('workloads controller', () => {
  let store: ClusterStore;
  let stop: () => void;

  beforeEach(() => {
    store = new ClusterStore();
    ensureNamespace(store, 'shop');
    stop = startWorkloadsController(store, {
      readyDelayMs: 0,
      crashLoopIntervalMs: 20,
      createRetryBaseMs: 10,
    });
  });
  afterEach(() => stop());

  const podsOf = (app: string) =>
    store.list(PODS, { namespace: 'shop', labelSelector: `app=${app}` });

  it('creates a ReplicaSet and the requested number of ready pods', async () => {
    store.create(DEPLOYMENTS, deployment('cart', 3));

    const deploy = await waitFor(() => {
      const d = store.get(DEPLOYMENTS, 'shop', 'cart');
      const status = d?.status as { readyReplicas?: number } | undefined;
      return status?.readyReplicas === 3 && d;
    });
    const status = deploy.status as Record<string, unknown>;
    expect(status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    const [rs] = store.list(REPLICA_SETS, { namespace: 'shop' });
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(rs.metadata.name).toBe(`cart-${hash}`);
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'cart',
    });

    const pods = podsOf('cart');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(
        new RegExp(`^cart-${hash}-[a-z0-9]{5}$`),
      );
      expect(pod.metadata.labels).toMatchObject({
        app: 'cart',
        'pod-template-hash': hash,
      });
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: rs.metadata.name,
      });
      expect(pod.spec).toMatchObject({ nodeName: 'demo-node-1' });
      expect(pod.status).toMatchObject({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'cart',
            ready: true,
            restartCount: 0,
            state: { running: {} },
          },
        ],
      });
      expect((pod.status as { podIP: string }).podIP).toMatch(/^10\.128\./);
      expect(isPodReady(pod)).toBe(true);
    }
  });

  it('scales up and down to honour replicas', async () => {
    store.create(DEPLOYMENTS, deployment('cart', 2));
    await waitFor(() => podsOf('cart').filter(isPodReady).length === 2);

    const d = store.get(DEPLOYMENTS, 'shop', 'cart')!;
    store.update(DEPLOYMENTS, {
      ...d,
      spec: { ...(d.spec as object), replicas: 5 },
    });
    await waitFor(() => podsOf('cart').filter(isPodReady).length === 5);

    const d2 = store.get(DEPLOYMENTS, 'shop', 'cart')!;
    store.update(DEPLOYMENTS, {
      ...d2,
      spec: { ...(d2.spec as object), replicas: 1 },
    });
    await waitFor(() => podsOf('cart').length === 1);
    expect(store.list(REPLICA_SETS, { namespace: 'shop' })).toHaveLength(1);
    await waitFor(
      () =>
        (store.get(DEPLOYMENTS, 'shop', 'cart')!.status as { replicas: number })
          .replicas === 1,
    );
  });

  it('rolls pods to a new ReplicaSet when the restart annotation changes the template', async () => {
    store.create(DEPLOYMENTS, deployment('cart', 2));
    await waitFor(() => podsOf('cart').filter(isPodReady).length === 2);
    const before = podsOf('cart').map(p => p.metadata.name);

    const d = store.get(DEPLOYMENTS, 'shop', 'cart')!;
    const spec = d.spec as {
      template: { metadata: { annotations?: Record<string, string> } };
    };
    spec.template.metadata.annotations = {
      'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z',
    };
    store.update(DEPLOYMENTS, d);

    await waitFor(() => {
      const pods = podsOf('cart');
      return (
        pods.length === 2 &&
        pods.every(isPodReady) &&
        pods.every(p => !before.includes(p.metadata.name))
      );
    });
    const replicaSets = store.list(REPLICA_SETS, { namespace: 'shop' });
    expect(replicaSets).toHaveLength(2);
    const byRevision = Object.fromEntries(
      replicaSets.map(rs => [
        rs.metadata.annotations!['deployment.kubernetes.io/revision'],
        (rs.spec as { replicas: number }).replicas,
      ]),
    );
    expect(byRevision).toEqual({ '1': 0, '2': 2 });
    for (const pod of podsOf('cart')) {
      expect(
        pod.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'],
      ).toBe('2025-01-01T00:00:00Z');
    }
    const status = await waitFor(() => {
      const s = store.get(DEPLOYMENTS, 'shop', 'cart')!.status as {
        conditions: Array<{ type: string; reason: string }>;
        observedGeneration: number;
      };
      return s.conditions.some(c => c.reason === 'NewReplicaSetAvailable') && s;
    });
    expect(status.observedGeneration).toBe(2);
  });

  it('keeps crash-looping pods unready with a growing restart count', async () => {
    store.create(
      DEPLOYMENTS,
      deployment('flaky', 1, {
        metadata: {
          name: 'flaky',
          namespace: 'shop',
          annotations: { 'demo.mesh-backstage.io/crash-loop': 'true' },
        },
      }),
    );
    const pod = await waitFor(() => {
      const [p] = podsOf('flaky');
      const restarts = (
        p?.status as { containerStatuses?: Array<{ restartCount: number }> }
      )?.containerStatuses?.[0]?.restartCount;
      return restarts !== undefined && restarts >= 3 && p;
    });
    expect(isPodReady(pod)).toBe(false);
    expect(pod.status).toMatchObject({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'flaky',
          ready: false,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    });
    const d = store.get(DEPLOYMENTS, 'shop', 'flaky')!;
    expect(d.status).toMatchObject({ readyReplicas: 0 });
  });

  it('records FailedCreate and retries when admission refuses pods', async () => {
    let refuse = true;
    store.addAdmission(PODS, ({ object }) => {
      if (refuse) {
        throw new ApiError(
          500,
          'InternalError',
          'Internal error occurred: webhook down',
        );
      }
      return object;
    });
    store.create(DEPLOYMENTS, deployment('cart', 1));
    const event = await waitFor(() =>
      store
        .list(EVENTS, { namespace: 'shop' })
        .find(e => e.reason === 'FailedCreate'),
    );
    expect(event).toMatchObject({
      type: 'Warning',
      message: 'Error creating: Internal error occurred: webhook down',
      involvedObject: { kind: 'ReplicaSet' },
    });
    await waitFor(() =>
      (
        store.get(DEPLOYMENTS, 'shop', 'cart')?.status as {
          conditions?: Array<{ type: string }>;
        }
      )?.conditions?.some(c => c.type === 'ReplicaFailure'),
    );
    refuse = false;
    await waitFor(() => podsOf('cart').filter(isPodReady).length === 1);
    await waitFor(
      () =>
        !(
          store.get(DEPLOYMENTS, 'shop', 'cart')?.status as {
            conditions: Array<{ type: string }>;
          }
        ).conditions.some(c => c.type === 'ReplicaFailure'),
    );
  });

  it('runs StatefulSet pods by ordinal and a DaemonSet pod on the node', async () => {
    const template = (app: string) => ({
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: { containers: [{ name: app, image: `quay.io/demo/${app}:1` }] },
      },
    });
    store.create(STATEFUL_SETS, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { replicas: 2, serviceName: 'db', ...template('db') },
    });
    store.create(DAEMON_SETS, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'shop' },
      spec: template('agent'),
    });
    await waitFor(() => podsOf('db').filter(isPodReady).length === 2);
    expect(
      podsOf('db')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['db-0', 'db-1']);
    await waitFor(() => podsOf('agent').filter(isPodReady).length === 1);
    await waitFor(
      () =>
        (
          store.get(STATEFUL_SETS, 'shop', 'db')?.status as {
            readyReplicas?: number;
          }
        )?.readyReplicas === 2,
    );
    await waitFor(
      () =>
        (
          store.get(DAEMON_SETS, 'shop', 'agent')?.status as {
            numberReady?: number;
          }
        )?.numberReady === 1,
    );
  });

  it('makes pods created directly Running after the ready delay', async () => {
    stop();
    stop = startWorkloadsController(store, { readyDelayMs: 30 });
    store.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: 'shop', labels: { app: 'debug' } },
      spec: { containers: [{ name: 'sh', image: 'busybox' }] },
    });
    const pending = await waitFor(() => {
      const p = store.get(PODS, 'shop', 'debug');
      return (p?.status as { phase?: string })?.phase === 'Pending' && p;
    });
    expect(pending.spec).toMatchObject({ nodeName: 'demo-node-1' });
    await waitFor(() => isPodReady(store.get(PODS, 'shop', 'debug')!));
  });
});
