import { ClusterStore } from '../apiserver/ClusterStore';
import { ApiError, KubeObject } from '../apiserver/types';
import { waitFor } from '../waitFor';
import {
  DEPLOYMENTS,
  MUTATING_WEBHOOKS,
  PODS,
  ensureNamespace,
  isPodReady,
} from './common';
import { startInjectionController } from './injection';
import { LegacyControlPlane, applyLegacyControlPlane } from './legacyIstio';
import { startWorkloadsController } from './workloads';

const IGNORE = 'istio.openshift.com/ignore-namespace';
const INJECT = 'sidecar.istio.io/inject';

/** Maistra 0.x's layout: every namespace but ignored ones, opt-in per pod. */
const maistra: LegacyControlPlane = {
  namespace: 'istio-system',
  version: '0.9.0',
  hub: 'registry.access.redhat.com/openshift-istio-tech-preview',
  imageStyle: 'maistra',
  failurePolicy: 'Fail',
  namespaceSelector: {
    matchExpressions: [{ key: IGNORE, operator: 'DoesNotExist' }],
  },
  injectionPolicy: 'disabled',
  injectSelectors: {
    always: [],
    never: [
      {
        matchExpressions: [
          { key: 'openshift.io/build.name', operator: 'Exists' },
        ],
      },
    ],
  },
};

/** Istio 1.0's: namespaces labelled istio-injection=enabled, every pod. */
const istio10: LegacyControlPlane = {
  namespace: 'istio-system',
  version: '1.0.6',
  hub: 'docker.io/istio',
  imageStyle: 'istio',
  failurePolicy: 'Fail',
  namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
  injectionPolicy: 'enabled',
};

function pod(
  namespace: string,
  name: string,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: name, ...meta.labels },
      annotations: meta.annotations,
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'quay.io/demo/app:1',
          ports: [{ containerPort: 8080 }],
        },
      ],
    },
  };
}

const containers = (created: KubeObject) =>
  (created.spec as { containers: Array<{ name: string; image: string }> })
    .containers;
const proxyOf = (created: KubeObject) =>
  containers(created).find(c => c.name === 'istio-proxy');

function startCluster(
  cp: LegacyControlPlane,
  labels: Record<string, Record<string, string>>,
  unreachable: Set<string> = new Set(),
) {
  const store = new ClusterStore();
  for (const ns of ['istio-system', 'apps', 'ignored', 'plain']) {
    ensureNamespace(store, ns, labels[ns]);
  }
  const stops = [
    startWorkloadsController(store, { readyDelayMs: 0 }),
    startInjectionController(store, {
      faults: { isInjectorUnreachable: rev => unreachable.has(rev) },
      webhookErrors: 'kubernetes-1.11',
    }),
  ];
  applyLegacyControlPlane(store, cp);
  return {
    store,
    stop: () => stops.forEach(stop => stop()),
  };
}

async function injectorReady(store: ClusterStore, ready = true) {
  await waitFor(
    () =>
      store
        .list(PODS, {
          namespace: 'istio-system',
          labelSelector: 'istio=sidecar-injector',
        })
        .some(isPodReady) === ready,
  );
}

function scaleInjector(store: ClusterStore, replicas: number) {
  const injector = store.get(
    DEPLOYMENTS,
    'istio-system',
    'istio-sidecar-injector',
  )!;
  store.update(DEPLOYMENTS, {
    ...injector,
    spec: { ...(injector.spec as object), replicas },
  });
}

describe('pre-istiod injection, Maistra 0.x layout', () => {
  let cluster: ReturnType<typeof startCluster>;
  const unreachable = new Set<string>();
  beforeEach(async () => {
    unreachable.clear();
    // As the installer does: were istio-system selected, the injector's own
    // pods would need the injector to be created.
    cluster = startCluster(
      maistra,
      {
        'istio-system': { [IGNORE]: 'ignore' },
        ignored: { [IGNORE]: 'ignore' },
      },
      unreachable,
    );
    await injectorReady(cluster.store);
  });
  afterEach(() => cluster.stop());

  it('injects only pods that opt in by annotation (policy disabled)', () => {
    const { store } = cluster;
    expect(proxyOf(store.create(PODS, pod('apps', 'plain')))).toBeUndefined();
    const optedIn = store.create(
      PODS,
      pod('apps', 'web', { annotations: { [INJECT]: 'true' } }),
    );
    expect(proxyOf(optedIn)?.image).toBe(
      'registry.access.redhat.com/openshift-istio-tech-preview/proxyv2:0.9.0',
    );
    // The pre-istiod template: its own init image, no revision anywhere.
    const spec = optedIn.spec as {
      initContainers: Array<{ name: string; image: string; args: string[] }>;
    };
    expect(spec.initContainers.map(c => [c.name, c.image])).toEqual([
      [
        'istio-init',
        'registry.access.redhat.com/openshift-istio-tech-preview/proxy-init:0.9.0',
      ],
    ]);
    expect(spec.initContainers[0].args).toContain('8080');
    expect(optedIn.metadata.labels?.['istio.io/rev']).toBeUndefined();
    expect(
      JSON.parse(optedIn.metadata.annotations!['sidecar.istio.io/status']),
    ).toEqual({
      version: expect.stringMatching(/^[0-9a-f]{64}$/),
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: ['istio-envoy', 'istio-certs'],
      imagePullSecrets: null,
    });
    // The label is not read before istiod.
    expect(
      proxyOf(
        store.create(
          PODS,
          pod('apps', 'lbl', { labels: { [INJECT]: 'true' } }),
        ),
      ),
    ).toBeUndefined();
  });

  it('leaves namespaces labelled ignore-namespace alone (DoesNotExist selector)', () => {
    const created = cluster.store.create(
      PODS,
      pod('ignored', 'web', { annotations: { [INJECT]: 'true' } }),
    );
    expect(proxyOf(created)).toBeUndefined();
  });

  it('never injects pods matching neverInjectSelector, unless annotated', () => {
    const { store } = cluster;
    const build = { 'openshift.io/build.name': 'app-1' };
    // Policy enabled, so that only the selector keeps the build pod out.
    const configMap = store.get(
      { group: '', plural: 'configmaps' },
      'istio-system',
      'istio-sidecar-injector',
    )!;
    const data = configMap.data as { config: string };
    store.update(
      { group: '', plural: 'configmaps' },
      {
        ...configMap,
        data: {
          config: data.config.replace('policy: disabled', 'policy: enabled'),
        },
      },
    );
    expect(
      proxyOf(store.create(PODS, pod('apps', 'build', { labels: build }))),
    ).toBeUndefined();
    expect(proxyOf(store.create(PODS, pod('apps', 'web')))).toBeDefined();
    expect(
      proxyOf(
        store.create(
          PODS,
          pod('apps', 'build2', {
            labels: build,
            annotations: { [INJECT]: 'true' },
          }),
        ),
      ),
    ).toBeDefined();
  });

  it('refuses pods in selected namespaces while the injector is down (failurePolicy Fail), annotated or not', async () => {
    const { store } = cluster;
    scaleInjector(store, 0);
    await injectorReady(store, false);
    const refused = () => store.create(PODS, pod('apps', 'web'));
    expect(refused).toThrow(ApiError);
    expect(refused).toThrow(
      /^Internal error occurred: failed calling admission webhook "sidecar-injector\.istio\.io": Post https:\/\/istio-sidecar-injector\.istio-system\.svc:443\/inject\?timeout=30s: dial tcp 172\.30\.\d+\.\d+:443: connect: connection refused$/,
    );
    expect(store.list(PODS, { namespace: 'apps' })).toEqual([]);
    // Ignored namespaces never call the webhook.
    expect(store.create(PODS, pod('ignored', 'web'))).toBeDefined();
  });

  it('refuses pods too when the fault hook makes the injector unreachable', () => {
    unreachable.add('default');
    expect(() => cluster.store.create(PODS, pod('apps', 'web'))).toThrow(
      /connection refused$/,
    );
  });

  it('skips a failing webhook whose failurePolicy is Ignore, and one whose objectSelector excludes the pod', async () => {
    const { store } = cluster;
    scaleInjector(store, 0);
    await injectorReady(store, false);
    const config = store.get(
      MUTATING_WEBHOOKS,
      undefined,
      'istio-sidecar-injector',
    )!;
    const [webhook] = config.webhooks as Array<Record<string, unknown>>;
    store.update(MUTATING_WEBHOOKS, {
      ...config,
      webhooks: [
        {
          ...webhook,
          objectSelector: {
            matchExpressions: [
              { key: INJECT, operator: 'NotIn', values: ['false'] },
            ],
          },
        },
      ],
    });
    const optedOut = store.create(
      PODS,
      pod('apps', 'out', { labels: { [INJECT]: 'false' } }),
    );
    expect(proxyOf(optedOut)).toBeUndefined();
    expect(() => store.create(PODS, pod('apps', 'in'))).toThrow(
      /connection refused/,
    );

    store.update(MUTATING_WEBHOOKS, {
      ...store.get(MUTATING_WEBHOOKS, undefined, 'istio-sidecar-injector')!,
      webhooks: [{ ...webhook, failurePolicy: 'Ignore' }],
    });
    const started = store.create(
      PODS,
      pod('apps', 'web', { annotations: { [INJECT]: 'true' } }),
    );
    expect(proxyOf(started)).toBeUndefined();
  });

  it('stops injecting, silently, once the webhook configuration is deleted', () => {
    const { store } = cluster;
    store.delete(MUTATING_WEBHOOKS, undefined, 'istio-sidecar-injector');
    const created = store.create(
      PODS,
      pod('apps', 'web', { annotations: { [INJECT]: 'true' } }),
    );
    expect(proxyOf(created)).toBeUndefined();
    // With the injector down too: nothing calls it, so nothing fails.
    unreachable.add('default');
    expect(proxyOf(store.create(PODS, pod('apps', 'web2')))).toBeUndefined();
  });
});

describe('pre-istiod injection, Istio 1.0 layout', () => {
  let cluster: ReturnType<typeof startCluster>;
  beforeEach(async () => {
    cluster = startCluster(istio10, {
      apps: { 'istio-injection': 'enabled' },
    });
    await injectorReady(cluster.store);
  });
  afterEach(() => cluster.stop());

  it('injects every pod of labelled namespaces unless annotated false, with the 1.0 images', () => {
    const { store } = cluster;
    const created = store.create(PODS, pod('apps', 'web'));
    expect(proxyOf(created)?.image).toBe('docker.io/istio/proxyv2:1.0.6');
    expect(
      (created.spec as { initContainers: Array<{ image: string }> })
        .initContainers[0].image,
    ).toBe('docker.io/istio/proxy_init:1.0.6');
    expect(
      proxyOf(
        store.create(
          PODS,
          pod('apps', 'out', { annotations: { [INJECT]: 'false' } }),
        ),
      ),
    ).toBeUndefined();
    expect(proxyOf(store.create(PODS, pod('plain', 'web')))).toBeUndefined();
  });

  it('fails pod creation only in labelled namespaces while the injector is scaled to 0', async () => {
    const { store } = cluster;
    scaleInjector(store, 0);
    await injectorReady(store, false);
    expect(() => store.create(PODS, pod('apps', 'web'))).toThrow(
      /failed calling admission webhook "sidecar-injector\.istio\.io"/,
    );
    expect(store.create(PODS, pod('plain', 'web'))).toBeDefined();
  });
});
