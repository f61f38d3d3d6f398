import { ClusterStore } from '../apiserver/ClusterStore';
import { Faults } from '../apiserver/faults';
import { KubeObject } from '../apiserver/types';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  EVENTS,
  INGRESSES,
  JOBS,
  MUTATING_WEBHOOKS,
  ROUTES,
  isPodReady,
} from '../controllers/common';
import { INSTALLATIONS, SERVICE_MESH_CONTROL_PLANES } from '../meshCrds';
import { waitFor } from '../waitFor';
import { restartDeployments } from './apps';
import {
  conditionOf,
  podsIn,
  proxyImage,
  relabel,
  useScenario,
  validateMeshObjects,
} from './__testUtils__/clusterChecks';

const podTemplateAnnotate = (
  deployment: KubeObject,
  annotations: Record<string, string>,
): KubeObject => {
  const spec = structuredClone(deployment.spec) as {
    template: { metadata?: { annotations?: Record<string, string> } };
  };
  spec.template.metadata = {
    ...spec.template.metadata,
    annotations: { ...spec.template.metadata?.annotations, ...annotations },
  };
  return { ...deployment, spec };
};

/** `kubectl scale deploy istio-sidecar-injector -n istio-system --replicas=N`, until it is so. */
async function scaleInjector(store: ClusterStore, replicas: number) {
  const injector = store.get(
    DEPLOYMENTS,
    'istio-system',
    'istio-sidecar-injector',
  )!;
  store.update(DEPLOYMENTS, {
    ...injector,
    spec: { ...(injector.spec as object), replicas },
  });
  await waitFor(
    () =>
      podsIn(store, 'istio-system', 'istio=sidecar-injector').filter(isPodReady)
        .length === replicas,
  );
}

const failedCreates = (events: KubeObject[], kind: string) =>
  events.filter(
    e =>
      e.reason === 'FailedCreate' &&
      (e.involvedObject as { kind: string }).kind === kind,
  );

describe('scenario istio-1.0', () => {
  const store = useScenario('istio-1.0');

  it('lays out the Helm control plane of 1.0.6 with its add-on Ingresses', () => {
    const names = store
      .list(DEPLOYMENTS, { namespace: 'istio-system' })
      .map(d => d.metadata.name)
      .sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'grafana',
        'istio-citadel',
        'istio-galley',
        'istio-pilot',
        'istio-policy',
        'istio-sidecar-injector',
        'istio-telemetry',
        'jaeger',
        'kiali',
        'prometheus',
        'servicegraph',
      ]),
    );
    expect(names.some(name => name?.startsWith('istiod'))).toBe(false);
    const ingresses = store
      .list(INGRESSES, { namespace: 'istio-system' })
      .map(i => i.metadata.name)
      .sort();
    expect(ingresses).toEqual(['grafana', 'kiali', 'servicegraph', 'tracing']);
    const webhook = store.get(
      MUTATING_WEBHOOKS,
      undefined,
      'istio-sidecar-injector',
    )!;
    expect(webhook.metadata.labels?.['istio.io/rev']).toBeUndefined();
    expect(webhook.webhooks).toEqual([
      expect.objectContaining({
        name: 'sidecar-injector.istio.io',
        failurePolicy: 'Fail',
        namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
        clientConfig: {
          service: {
            name: 'istio-sidecar-injector',
            namespace: 'istio-system',
            path: '/inject',
          },
        },
      }),
    ]);
    const config = store.get(
      CONFIG_MAPS,
      'istio-system',
      'istio-sidecar-injector',
    )!.data as Record<string, string>;
    expect(config.config).toMatch(/^policy: enabled$/m);
    expect(config.config).not.toMatch(/InjectSelector/);
    expect(config.values).toBeUndefined();
  });

  it('injects the 1.0.6 proxy into bookinfo, without a revision, and nothing into ledger', () => {
    const bookinfo = podsIn(store, 'bookinfo');
    expect(bookinfo).toHaveLength(6);
    for (const pod of bookinfo) {
      expect(proxyImage(pod)).toBe('docker.io/istio/proxyv2:1.0.6');
      expect(pod.metadata.labels?.['istio.io/rev']).toBeUndefined();
      const status = JSON.parse(
        pod.metadata.annotations!['sidecar.istio.io/status'],
      );
      expect(status).toMatchObject({
        initContainers: ['istio-init'],
        containers: ['istio-proxy'],
      });
      expect(status.revision).toBeUndefined();
    }
    const ledger = podsIn(store, 'ledger');
    expect(ledger).toHaveLength(2);
    expect(ledger.map(proxyImage)).toEqual([undefined, undefined]);
  });

  it('stalls a restart with FailedCreate events while the injector is scaled to 0, then recovers', async () => {
    await scaleInjector(store, 0);
    // Not selected by the webhook: unaffected.
    restartDeployments(store, 'ledger');
    restartDeployments(store, 'bookinfo');
    await waitFor(
      () =>
        failedCreates(
          store.list(EVENTS, { namespace: 'bookinfo' }),
          'ReplicaSet',
        ).length > 0,
    );
    const [event] = failedCreates(
      store.list(EVENTS, { namespace: 'bookinfo' }),
      'ReplicaSet',
    );
    expect(event.message).toMatch(
      /^Error creating: Internal error occurred: failed calling admission webhook "sidecar-injector\.istio\.io": Post https:\/\/istio-sidecar-injector\.istio-system\.svc:443\/inject: dial tcp 172\.30\.\d+\.\d+:443: connect: connection refused$/,
    );
    expect(
      failedCreates(store.list(EVENTS, { namespace: 'ledger' }), 'ReplicaSet'),
    ).toEqual([]);

    await scaleInjector(store, 1);
    await waitFor(
      () =>
        store
          .list(DEPLOYMENTS, { namespace: 'bookinfo' })
          .every(
            d =>
              (d.status as { updatedReplicas?: number }).updatedReplicas ===
                1 && (d.status as { replicas?: number }).replicas === 1,
          ),
      { timeoutMs: 20_000 },
    );
  });

  it('stops injecting silently once the webhook configuration is deleted', async () => {
    store.delete(MUTATING_WEBHOOKS, undefined, 'istio-sidecar-injector');
    const before = new Set(podsIn(store, 'bookinfo').map(p => p.metadata.name));
    restartDeployments(store, 'bookinfo');
    await waitFor(() => {
      const fresh = podsIn(store, 'bookinfo').filter(
        p => !before.has(p.metadata.name),
      );
      return fresh.length >= 6;
    });
    const fresh = podsIn(store, 'bookinfo').filter(
      p => !before.has(p.metadata.name),
    );
    expect(fresh.map(proxyImage)).toEqual(fresh.map(() => undefined));
  });
});

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
      'failed calling admission webhook "sidecar-injector.istio.io": Post https://istio-sidecar-injector.istio-system.svc:443/inject: dial tcp',
    );
    expect(
      failedCreates(
        store.list(EVENTS, { namespace: 'istio-system' }),
        'ReplicaSet',
      ),
    ).toEqual([]);
  });
});

describe('scenario ossm1', () => {
  const store = useScenario('ossm1');

  it('serves the SMCP as maistra.io/v1 only and lays it out before istiod, Ready', () => {
    const crd = store.get(
      { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' },
      undefined,
      'servicemeshcontrolplanes.maistra.io',
    )!;
    expect(
      (crd.spec as { versions: Array<{ name: string }> }).versions.map(
        v => v.name,
      ),
    ).toEqual(['v1']);
    const smcp = store.get(
      SERVICE_MESH_CONTROL_PLANES,
      'istio-system',
      'basic-install',
    )!;
    expect(conditionOf(smcp, 'Ready')?.status).toBe('True');
    expect(smcp.status).toMatchObject({
      annotations: { readyComponentCount: '7/7' },
    });
    expect(
      store.get(DEPLOYMENTS, 'istio-system', 'istio-pilot')?.metadata
        .ownerReferences?.[0],
    ).toMatchObject({ kind: 'ServiceMeshControlPlane', name: 'basic-install' });
    const webhook = store.get(
      MUTATING_WEBHOOKS,
      undefined,
      'istio-sidecar-injector-istio-system',
    )!;
    expect(webhook.webhooks).toEqual([
      expect.objectContaining({
        failurePolicy: 'Fail',
        namespaceSelector: {
          matchLabels: { 'maistra.io/member-of': 'istio-system' },
        },
      }),
    ]);
  });

  it('writes the SMCP and member roll valid against the real maistra.io/v1 schemas', () => {
    const kinds = validateMeshObjects(store).map(o => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ServiceMeshControlPlane',
        'ServiceMeshMemberRoll',
      ]),
    );
  });

  it('injects the opted-in pods of members only', () => {
    expect(new Set(podsIn(store, 'bookinfo').map(proxyImage))).toEqual(
      new Set([
        'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:1.1.18',
      ]),
    );
    expect(podsIn(store, 'shop').map(proxyImage)).toEqual([
      undefined,
      undefined,
    ]);
  });
});

describe('scenario istio-1.0, injector down through the fault API', () => {
  const faults = new Faults();
  const store = useScenario('istio-1.0', { faults });
  const refusals = () =>
    failedCreates(store.list(EVENTS, { namespace: 'bookinfo' }), 'ReplicaSet');
  const rolledOutAgain = () =>
    waitFor(
      () =>
        store
          .list(DEPLOYMENTS, { namespace: 'bookinfo' })
          .every(
            d =>
              (d.status as { updatedReplicas?: number }).updatedReplicas ===
                1 && (d.status as { replicas?: number }).replicas === 1,
          ),
      { timeoutMs: 20_000 },
    );

  it('refuses pods while the injector is unreachable (POST /injector, revision default)', async () => {
    faults.setInjectorUnreachable('default', true);
    restartDeployments(store, 'bookinfo');
    await waitFor(() => refusals().length > 0);
    expect(refusals()[0].message).toContain('connect: connection refused');
    faults.setInjectorUnreachable('default', false);
    await rolledOutAgain();
    expect(new Set(podsIn(store, 'bookinfo').map(proxyImage))).toEqual(
      new Set(['docker.io/istio/proxyv2:1.0.6']),
    );
  });

  it('refuses pods while a broken injector pod is not Ready (POST /workloads, then its pod deleted)', async () => {
    const before = refusals().length;
    faults.breakWorkload({
      namespace: 'istio-system',
      name: 'istio-sidecar-injector',
      mode: 'unready',
    });
    for (const pod of podsIn(store, 'istio-system', 'istio=sidecar-injector')) {
      store.delete(
        { group: '', plural: 'pods' },
        'istio-system',
        pod.metadata.name!,
      );
    }
    await waitFor(() => {
      const pods = podsIn(store, 'istio-system', 'istio=sidecar-injector');
      return pods.length === 1 && !isPodReady(pods[0]) && !!pods[0].status;
    });
    restartDeployments(store, 'bookinfo');
    await waitFor(() => refusals().length > before);
    faults.healWorkload({
      namespace: 'istio-system',
      name: 'istio-sidecar-injector',
    });
    await rolledOutAgain();
    expect(
      podsIn(store, 'istio-system', 'istio=sidecar-injector').every(isPodReady),
    ).toBe(true);
  });
});
