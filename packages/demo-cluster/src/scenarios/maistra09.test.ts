import { INSTALLATIONS } from '../meshCrds';
import {
  DEPLOYMENTS,
  EVENTS,
  JOBS,
  MUTATING_WEBHOOKS,
  ROUTES,
} from '../controllers/common';
import { waitFor } from '../waitFor';
import { restartDeployments } from './apps';
import {
  conditionOf,
  failedCreates,
  podTemplateAnnotate,
  podsIn,
  proxyImage,
  relabel,
  scaleInjector,
  useScenario,
} from './__testUtils__/clusterChecks';

describe('scenario maistra-0.9', () => {
  const store = useScenario('maistra-0.9');

  it('ran the installer Job from the Installation and left it Completed', () => {
    const installation = store.get(
      INSTALLATIONS,
      'istio-operator',
      'istio-installation',
    )!;
    expect(installation.status).toMatchObject({
      state: 'Successful Installation',
    });
    const job = store.get(
      JOBS,
      'istio-operator',
      'openshift-ansible-istio-installer-job',
    )!;
    expect(conditionOf(job, 'Complete')?.status).toBe('True');
    expect(job.status).toMatchObject({ succeeded: 1 });
    const [pod] = podsIn(
      store,
      'istio-operator',
      'job-name=openshift-ansible-istio-installer-job',
    );
    expect((pod.status as { phase: string }).phase).toBe('Succeeded');
    expect(
      store.get(DEPLOYMENTS, 'istio-system', 'istio-pilot')?.spec,
    ).toMatchObject({
      template: {
        spec: {
          containers: expect.arrayContaining([
            expect.objectContaining({
              image:
                'registry.access.redhat.com/openshift-istio-tech-preview/pilot:0.9.0',
            }),
          ]),
        },
      },
    });
    expect(
      store
        .list(ROUTES, { namespace: 'istio-system' })
        .map(r => r.metadata.name)
        .sort(),
    ).toEqual(['grafana', 'kiali', 'tracing']);
  });

  it('injects only opted-in pods of namespaces that are not ignored', () => {
    const webhook = store.get(
      MUTATING_WEBHOOKS,
      undefined,
      'istio-sidecar-injector',
    )!;
    expect(webhook.webhooks).toEqual([
      expect.objectContaining({
        failurePolicy: 'Fail',
        namespaceSelector: {
          matchExpressions: [
            {
              key: 'istio.openshift.com/ignore-namespace',
              operator: 'DoesNotExist',
            },
          ],
        },
      }),
    ]);
    expect(podsIn(store, 'sleep').map(proxyImage)).toEqual([undefined]);
    expect(podsIn(store, 'httpbin').map(proxyImage)).toEqual([
      'registry.access.redhat.com/openshift-istio-tech-preview/proxyv2:0.9.0',
    ]);
    expect(podsIn(store, 'legacy-batch').map(proxyImage)).toEqual([undefined]);
  });

  it('enrolls sleep by the pod-template annotation and a restart', async () => {
    const sleep = store.get(DEPLOYMENTS, 'sleep', 'sleep')!;
    store.update(
      DEPLOYMENTS,
      podTemplateAnnotate(sleep, { 'sidecar.istio.io/inject': 'true' }),
    );
    await waitFor(() => {
      const pods = podsIn(store, 'sleep');
      return pods.length === 1 && proxyImage(pods[0]) !== undefined;
    });
    expect(podsIn(store, 'sleep').map(proxyImage)).toEqual([
      'registry.access.redhat.com/openshift-istio-tech-preview/proxyv2:0.9.0',
    ]);
  });

  it('injects legacy-batch once its ignore label is removed', async () => {
    relabel(store, 'legacy-batch', {
      'istio.openshift.com/ignore-namespace': null,
    });
    restartDeployments(store, 'legacy-batch');
    await waitFor(() => {
      const pods = podsIn(store, 'legacy-batch');
      return pods.length === 1 && proxyImage(pods[0]) !== undefined;
    });
    expect(podsIn(store, 'legacy-batch').map(proxyImage)).toEqual([
      'registry.access.redhat.com/openshift-istio-tech-preview/proxyv2:0.9.0',
    ]);
  });

  it('fails pod creation in the operator namespace while the injector is down, not in ignored ones', async () => {
    await scaleInjector(store, 0);
    restartDeployments(store, 'istio-operator');
    await waitFor(
      () =>
        failedCreates(
          store.list(EVENTS, { namespace: 'istio-operator' }),
          'ReplicaSet',
        ).length > 0,
    );
    // istio-system is ignored, so the control plane itself can restart.
    restartDeployments(store, 'istio-system');
    await waitFor(() =>
      store
        .list(DEPLOYMENTS, { namespace: 'istio-system' })
        .filter(d => d.metadata.name !== 'istio-sidecar-injector')
        .every(
          d => (d.status as { updatedReplicas?: number }).updatedReplicas === 1,
        ),
    );
    expect(
      failedCreates(
        store.list(EVENTS, { namespace: 'istio-operator' }),
        'ReplicaSet',
      )[0].message,
    ).toContain(
      'failed calling admission webhook "sidecar-injector.istio.io": Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: dial tcp',
    );
    expect(
      failedCreates(
        store.list(EVENTS, { namespace: 'istio-system' }),
        'ReplicaSet',
      ),
    ).toEqual([]);
  });
});
