import { Faults } from '../apiserver/faults';
import {
  DEPLOYMENTS,
  EVENTS,
  INGRESSES,
  MUTATING_WEBHOOKS,
  CONFIG_MAPS,
  isPodReady,
} from '../controllers/common';
import { waitFor } from '../waitFor';
import { restartDeployments, rolledOut } from './apps';
import {
  failedCreates,
  podsIn,
  proxyImage,
  scaleInjector,
  useScenario,
} from './__testUtils__/clusterChecks';

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
      /^Error creating: Internal error occurred: failed calling admission webhook "sidecar-injector\.istio\.io": Post https:\/\/istio-sidecar-injector\.istio-system\.svc:443\/inject\?timeout=30s: dial tcp 172\.30\.\d+\.\d+:443: connect: connection refused$/,
    );
    expect(
      failedCreates(store.list(EVENTS, { namespace: 'ledger' }), 'ReplicaSet'),
    ).toEqual([]);

    await scaleInjector(store, 1);
    await rolledOut(store, ['bookinfo']);
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

describe('scenario istio-1.0, injector down through the fault API', () => {
  const faults = new Faults();
  const store = useScenario('istio-1.0', { faults });
  const refusals = () =>
    failedCreates(store.list(EVENTS, { namespace: 'bookinfo' }), 'ReplicaSet');
  const rolledOutAgain = () => rolledOut(store, ['bookinfo']);

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
