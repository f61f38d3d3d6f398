import {
  DEPLOYMENTS,
  EVENTS,
  INGRESSES,
  MUTATING_WEBHOOKS,
  NAMESPACES,
  PODS,
  ROUTES,
  SERVICES,
} from '../controllers/common';
import { isPodReady } from '../controllers/workloads';
import {
  ISTIOS,
  ISTIO_REVISIONS,
  ISTIO_REVISION_TAGS,
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBERS,
  SERVICE_MESH_MEMBER_ROLLS,
  SIDECARS,
} from '../meshCrds';
import { waitFor } from '../waitFor';
import { KUBERNETES_ID_LABEL } from './apps';
import { scenarios } from './index';
import {
  conditionOf,
  injectedRevision,
  newCluster,
  podsIn,
  proxyImage,
  useScenario,
  validateMeshObjects,
} from './__testUtils__/clusterChecks';

describe('scenario ossm2', () => {
  const store = useScenario('ossm2');

  it('runs an SMCP that is ready, with istiod, add-ons and Routes', async () => {
    const smcp = await waitFor(() => {
      const s = store.get(SERVICE_MESH_CONTROL_PLANES, 'istio-system', 'basic');
      return conditionOf(s, 'Ready')?.status === 'True' && s;
    });
    expect(smcp.status).toMatchObject({
      chartVersion: '2.5.2',
      annotations: { readyComponentCount: '7/7' },
      readiness: {
        components: {
          ready: expect.arrayContaining([
            'istiod-basic',
            'kiali',
            'jaeger',
            'grafana',
          ]),
          unready: [],
        },
      },
    });
    const routes = store.list(ROUTES, { namespace: 'istio-system' });
    expect(
      Object.fromEntries(
        routes.map(r => [r.metadata.name, (r.spec as { host: string }).host]),
      ),
    ).toEqual({
      kiali: 'kiali-istio-system.apps.demo.example.com',
      jaeger: 'jaeger-istio-system.apps.demo.example.com',
      grafana: 'grafana-istio-system.apps.demo.example.com',
    });
    expect(
      store.get(MUTATING_WEBHOOKS, undefined, 'istiod-basic-istio-system'),
    ).toBeDefined();
  });

  it('reports members, configured and pending members and labels member namespaces', () => {
    const roll = store.get(
      SERVICE_MESH_MEMBER_ROLLS,
      'istio-system',
      'default',
    )!;
    expect(roll.status).toMatchObject({
      members: ['bookinfo', 'inventory', 'orders', 'payments', 'shipping'],
      configuredMembers: ['bookinfo', 'inventory', 'orders', 'payments'],
      pendingMembers: ['shipping'],
      annotations: { configuredMemberCount: '4/5' },
    });
    expect(conditionOf(roll, 'Ready')).toMatchObject({ status: 'False' });
    for (const ns of ['bookinfo', 'inventory', 'orders', 'payments']) {
      expect(
        store.get(NAMESPACES, undefined, ns)?.metadata.labels,
      ).toMatchObject({
        'maistra.io/member-of': 'istio-system',
      });
    }
    expect(
      store.get(NAMESPACES, undefined, 'legacy-billing')?.metadata.labels?.[
        'maistra.io/member-of'
      ],
    ).toBeUndefined();
    const member = store.get(SERVICE_MESH_MEMBERS, 'payments', 'default');
    expect(conditionOf(member, 'Ready')).toMatchObject({ status: 'True' });
  });

  it('injects annotated pods in member namespaces only', () => {
    for (const ns of ['bookinfo', 'payments', 'orders', 'inventory']) {
      for (const pod of podsIn(store, ns)) {
        expect(injectedRevision(pod)).toBe('basic');
        expect(proxyImage(pod)).toBe(
          'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.2',
        );
        expect(isPodReady(pod)).toBe(true);
      }
    }
    const billing = podsIn(store, 'legacy-billing');
    expect(billing).toHaveLength(1);
    expect(injectedRevision(billing[0])).toBeUndefined();
  });

  it('deploys bookinfo with backstage labels, named ports and the expected warnings', () => {
    const deployments = store.list(DEPLOYMENTS, { namespace: 'bookinfo' });
    expect(deployments.map(d => d.metadata.name).sort()).toEqual([
      'details-v1',
      'productpage-v1',
      'ratings-v1',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    for (const pod of podsIn(store, 'bookinfo')) {
      expect(pod.metadata.labels).toMatchObject({
        [KUBERNETES_ID_LABEL]: 'bookinfo',
      });
      expect(pod.metadata.labels?.version).toMatch(/^v\d$/);
    }
    const [orders] = store.list(SERVICES, { namespace: 'orders' });
    expect(
      (orders.spec as { ports: Array<{ name?: string }> }).ports[0].name,
    ).toBeUndefined();
    const [inventory] = podsIn(store, 'inventory');
    expect(inventory.metadata.labels?.version).toBeUndefined();
    expect(store.get(SIDECARS, 'bookinfo', 'default')).toBeDefined();
  });

  it('produces mesh objects valid against the real CRD schemas', () => {
    const kinds = validateMeshObjects(store).map(o => o.kind);
    expect(new Set(kinds)).toEqual(
      new Set([
        'ServiceMeshControlPlane',
        'ServiceMeshMemberRoll',
        'ServiceMeshMember',
        'Sidecar',
      ]),
    );
  });
});

describe('scenario istio-revisions', () => {
  const store = useScenario('istio-revisions');

  it.each([
    ['catalog', '1-23-1', 'docker.io/istio/proxyv2:1.23.1'],
    ['checkout', '1-24-3', 'docker.io/istio/proxyv2:1.24.3'],
    ['search', '1-23-1', 'docker.io/istio/proxyv2:1.23.1'],
    ['reporting', undefined, undefined],
    ['notifications', undefined, undefined],
    ['recommendations', undefined, undefined],
  ])('namespace %s runs revision %s', (namespace, revision, image) => {
    const pods = podsIn(store, namespace);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(injectedRevision(pod)).toBe(revision);
      expect(proxyImage(pod)).toBe(image);
      expect(isPodReady(pod)).toBe(true);
    }
  });

  it('installs both revisions and the tags as webhooks', () => {
    const configs = store.list(MUTATING_WEBHOOKS);
    expect(
      Object.fromEntries(
        configs.map(c => [
          c.metadata.name,
          c.metadata.labels?.['istio.io/rev'],
        ]),
      ),
    ).toEqual({
      'istio-sidecar-injector-1-23-1': '1-23-1',
      'istio-sidecar-injector-1-24-3': '1-24-3',
      'istio-revision-tag-default': '1-23-1',
      'istio-revision-tag-prod-stable': '1-23-1',
      'istio-revision-tag-prod-canary': '1-24-3',
    });
    expect(
      store.get(DEPLOYMENTS, 'istio-system', 'istiod-1-24-3'),
    ).toBeDefined();
    const ingresses = store.list(INGRESSES, { namespace: 'istio-system' });
    expect(ingresses.map(i => i.metadata.name).sort()).toEqual([
      'grafana',
      'kiali',
      'tracing',
    ]);
  });

  it('fails new pods with FailedCreate while a revision injector is down', async () => {
    const istiod = store.get(DEPLOYMENTS, 'istio-system', 'istiod-1-24-3')!;
    store.update(DEPLOYMENTS, {
      ...istiod,
      spec: { ...(istiod.spec as object), replicas: 0 },
    });
    await waitFor(
      () => podsIn(store, 'istio-system', 'istio.io/rev=1-24-3').length === 0,
    );
    const deployment = store.get(DEPLOYMENTS, 'checkout', 'checkout-service')!;
    const spec = deployment.spec as {
      template: { metadata: { annotations?: Record<string, string> } };
    };
    spec.template.metadata.annotations = {
      'kubectl.kubernetes.io/restartedAt': 'now',
    };
    store.update(DEPLOYMENTS, deployment);
    const event = await waitFor(() =>
      store
        .list(EVENTS, { namespace: 'checkout' })
        .find(e => e.reason === 'FailedCreate'),
    );
    expect(event.message).toMatch(
      /failed calling webhook "rev\.namespace\.sidecar-injector\.istio\.io".*istiod-1-24-3\.istio-system\.svc:443.*connection refused/,
    );
    // The old pods keep running: the rollout is stuck, not down.
    expect(podsIn(store, 'checkout').filter(isPodReady)).toHaveLength(2);
  });

  it('produces mesh objects valid against the real CRD schemas', () => {
    // Upstream Istio has no operator CRs; only the Istio API kinds are served.
    expect(validateMeshObjects(store)).toEqual([]);
    expect(store.resources().some(r => r.group === 'maistra.io')).toBe(false);
  });
});

describe('scenario sail', () => {
  const store = useScenario('sail');

  it('keeps the old revision while pods use it after a RevisionBased upgrade', async () => {
    const istio = await waitFor(() => {
      const i = store.get(ISTIOS, undefined, 'default');
      const revisions = (i?.status as { revisions?: { ready: number } })
        ?.revisions;
      return revisions?.ready === 2 && i;
    });
    expect(istio.status).toMatchObject({
      activeRevisionName: 'default-v1-24-3',
      revisions: { total: 2, ready: 2, inUse: 2 },
      state: 'Healthy',
    });
    const revisions = store.list(ISTIO_REVISIONS);
    expect(revisions.map(r => r.metadata.name).sort()).toEqual([
      'default-v1-23-6',
      'default-v1-24-3',
    ]);
    expect(
      conditionOf(
        store.get(ISTIO_REVISIONS, undefined, 'default-v1-23-6'),
        'InUse',
      ),
    ).toMatchObject({ status: 'True' });
    expect(
      store.get(ISTIO_REVISION_TAGS, undefined, 'default')?.status,
    ).toMatchObject({
      istioRevision: 'default-v1-24-3',
      istiodNamespace: 'istio-system',
    });
  });

  it('runs restarted pods on the new revision and others on the old one', () => {
    for (const pod of podsIn(store, 'storefront')) {
      expect(injectedRevision(pod)).toBe('default-v1-24-3');
      expect(proxyImage(pod)).toBe('docker.io/istio/proxyv2:1.24.3');
      const init = (
        pod.spec as {
          initContainers: Array<{ name: string; restartPolicy?: string }>;
        }
      ).initContainers;
      expect(init.map(c => c.name)).toEqual([
        'istio-validation',
        'istio-proxy',
      ]);
    }
    for (const ns of ['customers', 'fraud-detection']) {
      const pods = podsIn(store, ns);
      expect(pods).toHaveLength(2);
      for (const pod of pods) {
        expect(injectedRevision(pod)).toBe('default-v1-23-6');
        expect(proxyImage(pod)).toBe('docker.io/istio/proxyv2:1.23.6');
      }
    }
    for (const pod of podsIn(store, 'analytics')) {
      expect(injectedRevision(pod)).toBeUndefined();
    }
    expect(
      store
        .list(ROUTES, { namespace: 'istio-system' })
        .map(r => r.metadata.name)
        .sort(),
    ).toEqual(['grafana', 'jaeger', 'kiali']);
  });

  it('writes the discovery selectors into the mesh config', () => {
    const mesh = store.get(
      { group: '', plural: 'configmaps' },
      'istio-system',
      'istio-default-v1-24-3',
    );
    expect((mesh?.data as { mesh: string }).mesh).toContain(
      'istio-discovery: enabled',
    );
  });

  it('produces mesh objects valid against the real CRD schemas', () => {
    const kinds = new Set(validateMeshObjects(store).map(o => o.kind));
    expect(kinds).toEqual(
      new Set(['Istio', 'IstioRevision', 'IstioRevisionTag', 'Sidecar']),
    );
  });
});

describe('scenario scale', () => {
  it('creates 500 namespaces with 10,000 ready pods', async () => {
    const store = newCluster();
    const stop = await scenarios.scale.setup(store, {});
    try {
      const pods = store
        .list(PODS)
        .filter(p => p.metadata.namespace!.startsWith('scale-'));
      expect(pods).toHaveLength(10_000);
      expect(pods.every(isPodReady)).toBe(true);
      const namespaces = store
        .list(NAMESPACES)
        .filter(n => n.metadata.name!.startsWith('scale-'));
      expect(namespaces).toHaveLength(500);
      const injected = pods.filter(p => injectedRevision(p) === 'default');
      expect(injected).toHaveLength(5_000);
    } finally {
      stop();
    }
  }, 180_000);
});
