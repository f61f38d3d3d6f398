import { ClusterStore } from '../apiserver/ClusterStore';
import { Faults } from '../apiserver/faults';
import { KubeObject } from '../apiserver/types';
import { restartDeployments } from '../scenarios/apps';
import { waitFor } from '../waitFor';
import {
  DEPLOYMENTS,
  EVENTS,
  PODS,
  STATEFUL_SETS,
  ensureNamespace,
} from './common';
import { isPodReady, startWorkloadsController } from './workloads';

const template = (app: string) => ({
  selector: { matchLabels: { app } },
  template: {
    metadata: { labels: { app } },
    spec: { containers: [{ name: app, image: `quay.io/demo/${app}:1` }] },
  },
});

const deployment = (name: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { replicas, ...template(name) },
});

interface AppStatus {
  ready: boolean;
  restartCount: number;
  state: Record<string, { reason?: string }>;
}

const appStatus = (pod: KubeObject) =>
  (pod.status as { containerStatuses: AppStatus[] }).containerStatuses[0];

describe('workload faults in the kubelet', () => {
  let store: ClusterStore;
  let faults: Faults;
  let stop: () => void;

  beforeEach(() => {
    store = new ClusterStore();
    faults = new Faults();
    ensureNamespace(store, 'shop');
    stop = startWorkloadsController(store, {
      readyDelayMs: 0,
      crashLoopIntervalMs: 20,
      faults,
    });
  });
  afterEach(() => stop());

  const podsOf = (app: string) =>
    store.list(PODS, { namespace: 'shop', labelSelector: `app=${app}` });
  const eventsFor = (pod: KubeObject, reason: string) =>
    store
      .list(EVENTS, { namespace: 'shop' })
      .filter(
        e =>
          e.reason === reason &&
          (e.involvedObject as { name: string }).name === pod.metadata.name,
      );

  it('leaves running pods alone and makes the next ones fail readiness until healed', async () => {
    store.create(DEPLOYMENTS, deployment('web', 2));
    await waitFor(() => podsOf('web').filter(isPodReady).length === 2);
    const before = podsOf('web').map(p => p.metadata.name);

    faults.breakWorkload({ namespace: 'shop', name: 'web', mode: 'unready' });
    // Nothing restarts by itself.
    expect(podsOf('web').every(isPodReady)).toBe(true);
    restartDeployments(store, 'shop');

    const broken = await waitFor(() =>
      podsOf('web').find(
        p =>
          !before.includes(p.metadata.name!) &&
          (p.status as { phase?: string })?.phase === 'Running',
      ),
    );
    expect(isPodReady(broken)).toBe(false);
    expect(appStatus(broken)).toMatchObject({
      ready: false,
      restartCount: 0,
      state: { running: {} },
    });
    await waitFor(() => eventsFor(broken, 'Unhealthy').length === 1);
    expect(eventsFor(broken, 'Unhealthy')[0]).toMatchObject({
      type: 'Warning',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    });
    // The rollout is stuck: the old pods keep serving.
    expect(
      podsOf('web').filter(
        p => before.includes(p.metadata.name!) && isPodReady(p),
      ),
    ).toHaveLength(2);

    expect(faults.healWorkload({ namespace: 'shop', name: 'web' })).toBe(true);
    await waitFor(
      () =>
        podsOf('web').length === 2 &&
        podsOf('web').every(
          p => isPodReady(p) && !before.includes(p.metadata.name!),
        ),
    );
    expect(faults.brokenWorkloads()).toEqual([]);
  });

  it('crash-loops the pods of a broken workload that start later, and heals them on clear', async () => {
    store.create(DEPLOYMENTS, deployment('api', 1));
    await waitFor(() => podsOf('api').filter(isPodReady).length === 1);
    faults.breakWorkload({ namespace: 'shop', name: 'api', mode: 'crashLoop' });
    // An unrelated workload started now is not affected.
    store.create(DEPLOYMENTS, deployment('other', 1));

    const d = store.get(DEPLOYMENTS, 'shop', 'api')!;
    store.update(DEPLOYMENTS, {
      ...d,
      spec: { ...(d.spec as object), replicas: 2 },
    });
    const crashing = await waitFor(() =>
      podsOf('api').find(p => (appStatus(p)?.restartCount ?? 0) >= 2),
    );
    expect(isPodReady(crashing)).toBe(false);
    expect(appStatus(crashing).state.waiting?.reason).toBe('CrashLoopBackOff');
    await waitFor(() => eventsFor(crashing, 'BackOff').length === 1);
    expect(podsOf('api').filter(isPodReady)).toHaveLength(1);
    await waitFor(() => podsOf('other').filter(isPodReady).length === 1);

    faults.clear();
    const healed = await waitFor(() => {
      const pod = store.get(PODS, 'shop', crashing.metadata.name!);
      return pod && isPodReady(pod) && pod;
    });
    // The same pod, restarted once more and now running.
    expect(appStatus(healed).restartCount).toBeGreaterThan(
      appStatus(crashing).restartCount,
    );
    expect(appStatus(healed).state.running).toBeDefined();
  });

  it('names StatefulSet pods by their StatefulSet, not the Deployment of the same name', async () => {
    faults.breakWorkload({
      namespace: 'shop',
      kind: 'StatefulSet',
      name: 'db',
      mode: 'unready',
    });
    store.create(DEPLOYMENTS, deployment('db', 1));
    store.create(STATEFUL_SETS, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { replicas: 1, serviceName: 'db', ...template('db-sts') },
    });
    const sts = await waitFor(() =>
      podsOf('db-sts').find(
        p => (p.status as { phase?: string })?.phase === 'Running',
      ),
    );
    expect(isPodReady(sts)).toBe(false);
    await waitFor(() => podsOf('db').filter(isPodReady).length === 1);
  });

  it('refuses a fault without a workload or with an unknown mode', () => {
    expect(() =>
      faults.breakWorkload({ namespace: 'shop', name: '', mode: 'unready' }),
    ).toThrow('name is required');
    expect(() =>
      faults.breakWorkload({
        namespace: 'shop',
        name: 'web',
        mode: 'slow' as 'unready',
      }),
    ).toThrow('mode must be one of unready, crashLoop');
    expect(faults.brokenWorkloads()).toEqual([]);
  });
});
