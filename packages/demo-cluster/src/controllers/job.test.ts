import { ClusterStore } from '../apiserver/ClusterStore';
import { ApiError, KubeObject } from '../apiserver/types';
import { waitFor } from '../waitFor';
import { EVENTS, JOBS, PODS, ensureNamespace } from './common';
import { startWorkloadsController } from './workloads';

const job: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'installer', namespace: 'ops' },
  spec: {
    template: {
      metadata: { labels: { app: 'installer' } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'run', image: 'quay.io/demo/installer:1' }],
      },
    },
  },
};

const conditionOf = (object: KubeObject | undefined, type: string) =>
  (
    object?.status as
      | { conditions?: Array<{ type: string; status: string }> }
      | undefined
  )?.conditions?.find(c => c.type === type);

describe('Job controller', () => {
  let store: ClusterStore;
  let stop: () => void;
  let refuse: boolean;
  beforeEach(() => {
    store = new ClusterStore();
    ensureNamespace(store, 'ops');
    refuse = false;
    store.addAdmission(PODS, request => {
      if (refuse && request.operation === 'CREATE') {
        throw new ApiError(500, 'InternalError', 'Internal error occurred: no');
      }
      return request.object;
    });
    stop = startWorkloadsController(store, {
      readyDelayMs: 0,
      createRetryBaseMs: 20,
      createRetryMaxMs: 40,
    });
  });
  afterEach(() => stop());

  it('runs one pod to completion and leaves the Job Complete and the pod Succeeded', async () => {
    store.create(JOBS, job);
    await waitFor(() =>
      conditionOf(store.get(JOBS, 'ops', 'installer'), 'Complete'),
    );
    const done = store.get(JOBS, 'ops', 'installer')!;
    expect(done.status).toMatchObject({
      succeeded: 1,
      startTime: expect.any(String),
      completionTime: expect.any(String),
    });
    const pods = store.list(PODS, {
      namespace: 'ops',
      labelSelector: 'job-name=installer',
    });
    expect(pods).toHaveLength(1);
    expect(pods[0].status).toMatchObject({
      phase: 'Succeeded',
      containerStatuses: [
        {
          name: 'run',
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ],
    });
    // The kubelet does not start a finished pod again.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(
      (
        store.get(PODS, 'ops', pods[0].metadata.name!)?.status as {
          phase: string;
        }
      ).phase,
    ).toBe('Succeeded');
  });

  it('records FailedCreate on the Job while admission refuses its pod, then completes', async () => {
    refuse = true;
    store.create(JOBS, job);
    await waitFor(() =>
      store
        .list(EVENTS, { namespace: 'ops' })
        .some(e => e.reason === 'FailedCreate'),
    );
    const event = store
      .list(EVENTS, { namespace: 'ops' })
      .find(e => e.reason === 'FailedCreate')!;
    expect(event.involvedObject).toMatchObject({
      kind: 'Job',
      name: 'installer',
    });
    expect(event.message).toBe('Error creating: Internal error occurred: no');
    expect(
      conditionOf(store.get(JOBS, 'ops', 'installer'), 'Complete'),
    ).toBeUndefined();
    refuse = false;
    await waitFor(
      () =>
        conditionOf(store.get(JOBS, 'ops', 'installer'), 'Complete')?.status ===
        'True',
    );
  });
});
