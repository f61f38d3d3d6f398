import { RealSchemaValidator } from '../__testUtils__/crdSchemas';
import { ClusterStore } from '../apiserver/ClusterStore';
import { KubeObject } from '../apiserver/types';
import {
  ISTIOS,
  ISTIO_REVISIONS,
  ISTIO_REVISION_TAGS,
  installMeshCrds,
} from '../meshCrds';
import { waitFor } from '../waitFor';
import {
  DEPLOYMENTS,
  MUTATING_WEBHOOKS,
  PODS,
  ensureNamespace,
} from './common';
import { startInjectionController } from './injection';
import { startSailController } from './sail';
import { isPodReady, startWorkloadsController } from './workloads';

function istio(
  version: string,
  type: 'InPlace' | 'RevisionBased',
  grace = 0,
): KubeObject {
  return {
    apiVersion: 'sailoperator.io/v1',
    kind: 'Istio',
    metadata: { name: 'default' },
    spec: {
      version,
      namespace: 'istio-system',
      updateStrategy: {
        type,
        inactiveRevisionDeletionGracePeriodSeconds: grace,
      },
    },
  };
}

describe('Sail operator', () => {
  let store: ClusterStore;
  let stops: Array<() => void>;
  const validator = new RealSchemaValidator();

  beforeEach(() => {
    store = new ClusterStore();
    installMeshCrds(store);
    ensureNamespace(store, 'istio-system');
    stops = [
      startWorkloadsController(store, { readyDelayMs: 0 }),
      startInjectionController(store),
      startSailController(store),
    ];
  });
  afterEach(() => stops.forEach(s => s()));

  const setVersion = (version: string) => {
    const current = store.get(ISTIOS, undefined, 'default')!;
    store.update(ISTIOS, {
      ...current,
      spec: { ...(current.spec as object), version },
    });
  };
  const revisionNames = () =>
    store
      .list(ISTIO_REVISIONS)
      .map(r => r.metadata.name)
      .sort();
  const istioStatus = () =>
    (store.get(ISTIOS, undefined, 'default')?.status ?? {}) as {
      activeRevisionName?: string;
      revisions?: { total: number; ready: number; inUse: number };
    };
  const deployApp = (namespace: string) =>
    store.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'quay.io/demo/web:1' }] },
        },
      },
    });
  const revisionOfPods = (namespace: string) =>
    store
      .list(PODS, { namespace })
      .map(
        p =>
          JSON.parse(
            p.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}',
          ).revision,
      );

  it('updates an InPlace revision named after the Istio', async () => {
    store.create(ISTIOS, istio('v1.23.6', 'InPlace'));
    await waitFor(() => istioStatus().revisions?.ready === 1);
    expect(revisionNames()).toEqual(['default']);
    expect(
      store.get(MUTATING_WEBHOOKS, undefined, 'istio-sidecar-injector'),
    ).toBeDefined();
    setVersion('v1.24.3');
    await waitFor(() => {
      const d = store.get(DEPLOYMENTS, 'istio-system', 'istiod');
      return (
        (
          d?.spec as {
            template: { spec: { containers: Array<{ image: string }> } };
          }
        ).template.spec.containers[0].image === 'docker.io/istio/pilot:1.24.3'
      );
    });
    expect(revisionNames()).toEqual(['default']);
    for (const object of [
      ...store.list(ISTIOS),
      ...store.list(ISTIO_REVISIONS),
    ]) {
      expect(validator.errors(object)).toEqual([]);
    }
  });

  it('keeps the old RevisionBased revision while pods use it, then removes it', async () => {
    store.create(ISTIOS, istio('v1.23.6', 'RevisionBased', 0));
    store.create(ISTIO_REVISION_TAGS, {
      apiVersion: 'sailoperator.io/v1',
      kind: 'IstioRevisionTag',
      metadata: { name: 'default' },
      spec: { targetRef: { kind: 'Istio', name: 'default' } },
    });
    await waitFor(() => istioStatus().revisions?.ready === 1);
    await waitFor(
      () =>
        (
          store.get(ISTIO_REVISION_TAGS, undefined, 'default')?.status as {
            istioRevision?: string;
          }
        )?.istioRevision === 'default-v1-23-6',
    );
    ensureNamespace(store, 'shop', { 'istio.io/rev': 'default' });
    deployApp('shop');
    await waitFor(
      () =>
        store.list(PODS, { namespace: 'shop' }).filter(isPodReady).length === 1,
    );
    expect(revisionOfPods('shop')).toEqual(['default-v1-23-6']);

    setVersion('v1.24.3');
    await waitFor(() => istioStatus().activeRevisionName === 'default-v1-24-3');
    await waitFor(() => istioStatus().revisions?.ready === 2);
    await waitFor(
      () =>
        (
          store.get(ISTIO_REVISION_TAGS, undefined, 'default')?.status as {
            istioRevision?: string;
          }
        )?.istioRevision === 'default-v1-24-3',
    );
    // The pods still run the old proxy, so the old revision stays.
    expect(revisionNames()).toEqual(['default-v1-23-6', 'default-v1-24-3']);
    const old = store.get(ISTIO_REVISIONS, undefined, 'default-v1-23-6')!;
    expect(
      (old.status as { conditions: Array<{ type: string; status: string }> })
        .conditions,
    ).toContainEqual(
      expect.objectContaining({ type: 'InUse', status: 'True' }),
    );
    for (const object of [
      ...store.list(ISTIOS),
      ...store.list(ISTIO_REVISIONS),
      ...store.list(ISTIO_REVISION_TAGS),
    ]) {
      expect(validator.errors(object)).toEqual([]);
    }

    // A restart moves the pods to the new revision; the old one is removed.
    const d = store.get(DEPLOYMENTS, 'shop', 'web')!;
    const spec = d.spec as {
      template: { metadata: { annotations?: Record<string, string> } };
    };
    spec.template.metadata.annotations = {
      'kubectl.kubernetes.io/restartedAt': 'now',
    };
    store.update(DEPLOYMENTS, d);
    await waitFor(() => revisionOfPods('shop').join() === 'default-v1-24-3');
    await waitFor(() => revisionNames().join() === 'default-v1-24-3');
    await waitFor(
      () => !store.get(DEPLOYMENTS, 'istio-system', 'istiod-default-v1-23-6'),
    );
    expect(
      store.get(
        MUTATING_WEBHOOKS,
        undefined,
        'istio-sidecar-injector-default-v1-23-6',
      ),
    ).toBeUndefined();
    await waitFor(() => istioStatus().revisions?.total === 1);
  }, 30_000);
});
