import { DEPLOYMENTS, PODS, ensureNamespace } from '../controllers/common';
import { isPodReady, startWorkloadsController } from '../controllers/workloads';
import { restartDeployments } from '../scenarios/apps';
import { waitFor } from '../waitFor';
import { useApiServer } from './__testUtils__/apiServer';

const JSON_BODY = { 'Content-Type': 'application/json' };

describe('broken workloads over the fault API', () => {
  let stopWorkloads = () => {};
  const api = useApiServer({
    setup: (cluster, faults) => {
      ensureNamespace(cluster, 'shop');
      stopWorkloads = startWorkloadsController(cluster, {
        readyDelayMs: 0,
        crashLoopIntervalMs: 20,
        faults,
      });
      cluster.create(DEPLOYMENTS, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [{ name: 'web', image: 'quay.io/demo/web:1' }],
            },
          },
        },
      });
    },
  });
  afterAll(() => stopWorkloads());

  const pods = () => api.cluster.api.list(PODS, { namespace: 'shop' });
  const post = (body: unknown) =>
    api.raw('/demo-cluster/faults/workloads', {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify(body),
    });

  it('breaks a workload, lists it, and heals it', async () => {
    await waitFor(() => pods().filter(isPodReady).length === 1);
    const [running] = pods();

    const added = await post({
      namespace: 'shop',
      name: 'web',
      mode: 'crashLoop',
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({
      namespace: 'shop',
      kind: 'Deployment',
      name: 'web',
      mode: 'crashLoop',
    });
    const listed = await (await api.raw('/demo-cluster/faults')).json();
    expect(listed.brokenWorkloads).toEqual([
      { namespace: 'shop', kind: 'Deployment', name: 'web', mode: 'crashLoop' },
    ]);
    expect(
      await (await api.raw('/demo-cluster/faults/workloads')).json(),
    ).toEqual({ workloads: listed.brokenWorkloads });

    restartDeployments(api.cluster.api, 'shop');
    const crashing = await waitFor(() =>
      pods().find(
        p =>
          p.metadata.name !== running.metadata.name &&
          (
            p.status as {
              containerStatuses?: Array<{ state: { waiting?: object } }>;
            }
          )?.containerStatuses?.[0].state.waiting,
      ),
    );
    expect(isPodReady(crashing)).toBe(false);
    expect(
      isPodReady(api.cluster.api.get(PODS, 'shop', running.metadata.name!)!),
    ).toBe(true);

    const healed = await api.raw(
      '/demo-cluster/faults/workloads?namespace=shop&name=web',
      { method: 'DELETE' },
    );
    expect(healed.status).toBe(200);
    await waitFor(
      () =>
        pods().length === 1 &&
        pods()[0].metadata.name === crashing.metadata.name &&
        isPodReady(pods()[0]),
    );
    const again = await api.raw(
      '/demo-cluster/faults/workloads?namespace=shop&name=web',
      { method: 'DELETE' },
    );
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({
      message: 'workload Deployment shop/web is not broken',
    });
  });

  it('answers 400 to a fault it cannot apply', async () => {
    const noMode = await post({ namespace: 'shop', name: 'web' });
    expect(noMode.status).toBe(400);
    expect(await noMode.json()).toMatchObject({
      kind: 'Status',
      message: 'mode must be one of unready, crashLoop, got undefined',
    });
    const badKind = await post({
      namespace: 'shop',
      kind: 'ReplicaSet',
      name: 'web-1',
      mode: 'unready',
    });
    expect(badKind.status).toBe(400);
    expect(api.cluster.faults.brokenWorkloads()).toEqual([]);
  });

  it('heals every workload with DELETE /workloads and with DELETE /', async () => {
    for (const name of ['web', 'api']) {
      await post({ namespace: 'shop', name, mode: 'unready' });
    }
    await api.raw('/demo-cluster/faults/workloads', { method: 'DELETE' });
    expect(api.cluster.faults.brokenWorkloads()).toEqual([]);
    await post({ namespace: 'shop', name: 'web', mode: 'unready' });
    await api.raw('/demo-cluster/faults', { method: 'DELETE' });
    expect(api.cluster.faults.brokenWorkloads()).toEqual([]);
  });
});
