import { ClusterStore } from '../apiserver/ClusterStore';
import { KubeObject } from '../apiserver/types';
import { waitFor } from '../waitFor';
import {
  DEPLOYMENTS,
  EVENTS,
  MUTATING_WEBHOOKS,
  PODS,
  ensureNamespace,
} from './common';
import { startInjectionController } from './injection';
import { startIstiodController } from './istiod';
import { isPodReady, startWorkloadsController } from './workloads';

function pod(
  namespace: string,
  name: string,
  {
    labels = {},
    annotations,
    hostNetwork,
  }: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    hostNetwork?: boolean;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: name, ...labels },
      annotations,
    },
    spec: {
      ...(hostNetwork ? { hostNetwork } : {}),
      containers: [{ name: 'app', image: 'quay.io/demo/app:1' }],
    },
  };
}

interface Injected {
  revision?: string;
  image?: string;
  native: boolean;
  init: string[];
}

function injection(created: KubeObject): Injected {
  const spec = created.spec as {
    containers: Array<{ name: string; image: string }>;
    initContainers?: Array<{
      name: string;
      image: string;
      restartPolicy?: string;
    }>;
  };
  const status = created.metadata.annotations?.['sidecar.istio.io/status'];
  const proxy =
    spec.containers.find(c => c.name === 'istio-proxy') ??
    spec.initContainers?.find(c => c.name === 'istio-proxy');
  return {
    revision: status ? JSON.parse(status).revision : undefined,
    image: proxy?.image,
    native: !!spec.initContainers?.some(
      c => c.name === 'istio-proxy' && c.restartPolicy === 'Always',
    ),
    init: (spec.initContainers ?? []).map(c => c.name),
  };
}

async function istiodReady(store: ClusterStore, revisions: string[]) {
  await waitFor(
    () =>
      revisions.every(rev =>
        store
          .list(PODS, {
            namespace: 'istio-system',
            labelSelector: `app=istiod,istio.io/rev=${rev}`,
          })
          .some(isPodReady),
      ),
    { what: `istiod ${revisions}` },
  );
}

describe('sidecar injection (upstream Istio revisions and tags)', () => {
  let store: ClusterStore;
  let stops: Array<() => void>;
  const unreachable = new Set<string>();

  beforeAll(async () => {
    store = new ClusterStore();
    ensureNamespace(store, 'istio-system');
    stops = [
      startWorkloadsController(store, {
        readyDelayMs: 0,
        createRetryBaseMs: 10,
      }),
      startInjectionController(store, {
        faults: { isInjectorUnreachable: rev => unreachable.has(rev) },
      }),
      startIstiodController(store, {
        revisions: [
          { namespace: 'istio-system', revision: '1-23-1', version: '1.23.1' },
          {
            namespace: 'istio-system',
            revision: '1-24-3',
            version: '1.24.3',
            nativeSidecars: true,
          },
        ],
        tags: [
          { tag: 'default', revision: '1-23-1', namespace: 'istio-system' },
          { tag: 'prod-stable', revision: '1-23-1', namespace: 'istio-system' },
          { tag: 'prod-canary', revision: '1-24-3', namespace: 'istio-system' },
        ],
      }),
    ];
    ensureNamespace(store, 'enabled', { 'istio-injection': 'enabled' });
    ensureNamespace(store, 'disabled', { 'istio-injection': 'disabled' });
    ensureNamespace(store, 'on-revision', { 'istio.io/rev': '1-24-3' });
    ensureNamespace(store, 'on-tag', { 'istio.io/rev': 'prod-stable' });
    ensureNamespace(store, 'on-canary-tag', { 'istio.io/rev': 'prod-canary' });
    ensureNamespace(store, 'both-labels', {
      'istio-injection': 'enabled',
      'istio.io/rev': '1-24-3',
    });
    ensureNamespace(store, 'missing-revision', { 'istio.io/rev': '1-99-0' });
    ensureNamespace(store, 'unlabelled');
    ensureNamespace(store, 'kube-system', { 'istio-injection': 'enabled' });
    await istiodReady(store, ['1-23-1', '1-24-3']);
  });
  afterAll(() => stops.forEach(stop => stop()));

  const create = (p: KubeObject) => injection(store.create(PODS, p));
  let n = 0;
  const name = () => `p${n++}`;

  it.each([
    ['enabled', {}, '1-23-1'],
    ['disabled', {}, undefined],
    ['on-revision', {}, '1-24-3'],
    ['on-tag', {}, '1-23-1'],
    ['on-canary-tag', {}, '1-24-3'],
    ['both-labels', {}, '1-23-1'],
    ['missing-revision', {}, undefined],
    ['unlabelled', {}, undefined],
    ['unlabelled', { labels: { 'istio.io/rev': '1-24-3' } }, '1-24-3'],
    ['unlabelled', { labels: { 'istio.io/rev': 'prod-stable' } }, '1-23-1'],
    ['unlabelled', { labels: { 'sidecar.istio.io/inject': 'true' } }, '1-23-1'],
    ['enabled', { labels: { 'sidecar.istio.io/inject': 'false' } }, undefined],
    [
      'enabled',
      { annotations: { 'sidecar.istio.io/inject': 'false' } },
      undefined,
    ],
    [
      'on-revision',
      { labels: { 'sidecar.istio.io/inject': 'false' } },
      undefined,
    ],
    [
      'on-revision',
      { annotations: { 'sidecar.istio.io/inject': 'false' } },
      undefined,
    ],
    ['enabled', { hostNetwork: true }, undefined],
    ['kube-system', {}, undefined],
  ] as const)(
    'namespace %s, pod %j → revision %s',
    (namespace, options, expected) => {
      const result = create(pod(namespace, name(), options));
      const versions: Record<string, string> = {
        '1-23-1': '1.23.1',
        '1-24-3': '1.24.3',
      };
      expect(result.revision).toBe(expected);
      expect(result.image).toBe(
        expected && `docker.io/istio/proxyv2:${versions[expected]}`,
      );
    },
  );

  it('injects an Istio-shaped sidecar with labels and status annotation', () => {
    const created = store.create(
      PODS,
      pod('enabled', 'reviews-v2', {
        labels: { app: 'reviews', version: 'v2' },
      }),
    );
    expect(created.metadata.labels).toMatchObject({
      'istio.io/rev': '1-23-1',
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'reviews',
      'service.istio.io/canonical-revision': 'v2',
    });
    const status = JSON.parse(
      created.metadata.annotations!['sidecar.istio.io/status'],
    );
    expect(status).toMatchObject({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      revision: '1-23-1',
    });
    expect(status.volumes).toContain('istio-token');
    const spec = created.spec as { containers: Array<{ name: string }> };
    expect(spec.containers.map(c => c.name)).toEqual(['app', 'istio-proxy']);
  });

  it('leaves a pod that already carries istio-proxy, even without the status annotation', () => {
    const carrying = pod('enabled', name());
    (carrying.spec as { containers: object[] }).containers.push({
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.22.0',
    });
    const created = store.create(PODS, carrying);
    const spec = created.spec as {
      containers: Array<{ name: string; image: string }>;
      initContainers?: unknown[];
    };
    expect(spec.containers.map(c => c.name)).toEqual(['app', 'istio-proxy']);
    expect(spec.containers[1].image).toBe('docker.io/istio/proxyv2:1.22.0');
    expect(spec.initContainers).toBeUndefined();
  });

  it('refuses duplicate container names, as pod validation does', () => {
    const twice = pod('unlabelled', name());
    (twice.spec as { containers: object[] }).containers.push({
      name: 'app',
      image: 'other',
    });
    expect(() => store.create(PODS, twice)).toThrow(
      expect.objectContaining({
        code: 422,
        details: expect.objectContaining({
          causes: [
            {
              field: 'spec.containers[1].name',
              reason: 'FieldValueDuplicate',
              message: 'Duplicate value: "app"',
            },
          ],
        }),
      }),
    );
  });

  it('injects native sidecars when the revision is configured for them', () => {
    const result = create(pod('on-revision', name()));
    expect(result).toMatchObject({
      revision: '1-24-3',
      native: true,
      init: ['istio-init', 'istio-proxy'],
    });
  });

  it('fails pod creation when the injector is unreachable', () => {
    unreachable.add('1-24-3');
    try {
      expect(() => store.create(PODS, pod('on-revision', name()))).toThrow(
        expect.objectContaining({
          code: 500,
          reason: 'InternalError',
          message: expect.stringMatching(
            /^Internal error occurred: failed calling webhook "rev\.namespace\.sidecar-injector\.istio\.io": failed to call webhook: Post "https:\/\/istiod-1-24-3\.istio-system\.svc:443\/inject\?timeout=10s": dial tcp [\d.]+:443: connect: connection refused$/,
          ),
        }),
      );
      // Other revisions are unaffected.
      expect(create(pod('enabled', name())).revision).toBe('1-23-1');
      expect(create(pod('unlabelled', name())).revision).toBeUndefined();
    } finally {
      unreachable.delete('1-24-3');
    }
  });

  it('blocks a deployment with FailedCreate events while its istiod has no ready pod', async () => {
    const istiod = store.get(DEPLOYMENTS, 'istio-system', 'istiod-1-23-1')!;
    store.update(DEPLOYMENTS, {
      ...istiod,
      spec: { ...(istiod.spec as object), replicas: 0 },
    });
    await waitFor(
      () =>
        store.list(PODS, {
          namespace: 'istio-system',
          labelSelector: 'istio.io/rev=1-23-1',
        }).length === 0,
    );
    store.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'checkout', namespace: 'enabled' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'checkout' } },
        template: {
          metadata: { labels: { app: 'checkout' } },
          spec: {
            containers: [
              { name: 'checkout', image: 'quay.io/demo/checkout:1' },
            ],
          },
        },
      },
    });
    const event = await waitFor(() =>
      store
        .list(EVENTS, { namespace: 'enabled' })
        .find(e => e.reason === 'FailedCreate'),
    );
    expect(event.message).toContain(
      'Error creating: Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io"',
    );
    expect(event.message).toContain('istiod-1-23-1.istio-system.svc:443');
    expect(event.message).toContain('connection refused');
    expect(
      store.list(PODS, { namespace: 'enabled', labelSelector: 'app=checkout' }),
    ).toHaveLength(0);

    // Once istiod is back, the retry creates an injected pod.
    const scaled = store.get(DEPLOYMENTS, 'istio-system', 'istiod-1-23-1')!;
    store.update(DEPLOYMENTS, {
      ...scaled,
      spec: { ...(scaled.spec as object), replicas: 1 },
    });
    const [checkout] = await waitFor(
      () => {
        const pods = store.list(PODS, {
          namespace: 'enabled',
          labelSelector: 'app=checkout',
        });
        return pods.length === 1 && pods;
      },
      { timeoutMs: 20_000 },
    );
    expect(injection(checkout).revision).toBe('1-23-1');
  });

  it('stops injecting when the webhook configuration is deleted', () => {
    store.delete(MUTATING_WEBHOOKS, undefined, 'istio-sidecar-injector-1-24-3');
    expect(create(pod('on-revision', name())).revision).toBeUndefined();
    // The tag webhook still points at the revision.
    expect(create(pod('on-canary-tag', name())).revision).toBe('1-24-3');
  });
});

describe('sidecar injection (OpenShift Service Mesh 2)', () => {
  let store: ClusterStore;
  let stops: Array<() => void>;

  beforeAll(async () => {
    store = new ClusterStore();
    ensureNamespace(store, 'istio-system');
    stops = [
      startWorkloadsController(store, { readyDelayMs: 0 }),
      startInjectionController(store),
      startIstiodController(store, {
        revisions: [
          {
            namespace: 'istio-system',
            revision: 'basic',
            version: '2.5.2',
            hub: 'registry.redhat.io/openshift-service-mesh',
            proxyImageName: 'proxyv2-rhel8',
            pilotImageName: 'pilot-rhel8',
            webhookStyle: 'maistra',
            injectionPolicy: 'disabled',
            cni: true,
          },
        ],
      }),
    ];
    ensureNamespace(store, 'member', {
      'maistra.io/member-of': 'istio-system',
    });
    ensureNamespace(store, 'outsider', { 'istio-injection': 'enabled' });
    await istiodReady(store, ['basic']);
  });
  afterAll(() => stops.forEach(stop => stop()));

  it('injects only annotated pods of member namespaces', () => {
    const annotated = { annotations: { 'sidecar.istio.io/inject': 'true' } };
    const injected = injection(
      store.create(PODS, pod('member', 'a', annotated)),
    );
    expect(injected).toMatchObject({
      revision: 'basic',
      image: 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.2',
      init: ['istio-validation'],
    });
    expect(
      injection(store.create(PODS, pod('member', 'b'))).revision,
    ).toBeUndefined();
    expect(
      injection(
        store.create(
          PODS,
          pod('member', 'c', { labels: { 'sidecar.istio.io/inject': 'true' } }),
        ),
      ).revision,
    ).toBe('basic');
    expect(
      injection(store.create(PODS, pod('outsider', 'd', annotated))).revision,
    ).toBeUndefined();
  });
});
