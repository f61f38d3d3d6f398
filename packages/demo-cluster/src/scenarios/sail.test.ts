import { ClusterStore } from '../apiserver/ClusterStore';
import { DEPLOYMENTS, MUTATING_WEBHOOKS } from '../controllers/common';
import { ISTIOS, ISTIO_REVISIONS, ISTIO_REVISION_TAGS } from '../meshCrds';
import { waitFor } from '../waitFor';
import { scenarios } from './index';
import {
  conditionOf,
  newCluster,
  proxiesIn,
  relabel,
  restartAndRollOut,
  useScenario,
  validateMeshObjects,
} from './__testUtils__/clusterChecks';

interface IstioStatus {
  activeRevisionName?: string;
  revisions?: { total: number; ready: number; inUse: number };
  state?: string;
}

const istioStatus = (store: ClusterStore) =>
  (store.get(ISTIOS, undefined, 'default')?.status ?? {}) as IstioStatus;

const revisionNames = (store: ClusterStore) =>
  store
    .list(ISTIO_REVISIONS)
    .map(r => r.metadata.name)
    .sort();

/** The JSON Patch the backend's Sail adapter writes to change the version. */
function setVersion(store: ClusterStore, from: string, to: string) {
  store.patch(ISTIOS, undefined, 'default', 'application/json-patch+json', [
    { op: 'test', path: '/spec/version', value: from },
    { op: 'replace', path: '/spec/version', value: to },
  ]);
}

describe('RevisionBased upgrade on scenario sail', () => {
  const store = useScenario('sail');

  it('creates the IstioRevision and istiod of a new version and makes it active', async () => {
    expect(istioStatus(store).activeRevisionName).toBe('default-v1-24-3');
    setVersion(store, 'v1.24.3', 'v1.25.2');

    await waitFor(() => istioStatus(store).revisions?.ready === 3);
    expect(istioStatus(store)).toMatchObject({
      activeRevisionName: 'default-v1-25-2',
      revisions: { total: 3, ready: 3 },
      state: 'Healthy',
    });
    expect(revisionNames(store)).toEqual([
      'default-v1-23-6',
      'default-v1-24-3',
      'default-v1-25-2',
    ]);
    const revision = store.get(ISTIO_REVISIONS, undefined, 'default-v1-25-2')!;
    expect(revision.spec).toMatchObject({
      version: 'v1.25.2',
      namespace: 'istio-system',
      values: { revision: 'default-v1-25-2' },
    });
    expect(revision.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Istio', name: 'default' }),
    ]);
    expect(conditionOf(revision, 'Ready')?.status).toBe('True');
    expect(
      store.get(DEPLOYMENTS, 'istio-system', 'istiod-default-v1-25-2'),
    ).toBeDefined();
    validateMeshObjects(store);
  });

  it('lets the tag on the Istio follow the active revision', async () => {
    await waitFor(
      () =>
        (
          store.get(ISTIO_REVISION_TAGS, undefined, 'default')?.status as {
            istioRevision?: string;
          }
        )?.istioRevision === 'default-v1-25-2',
    );
    const webhook = store.get(
      MUTATING_WEBHOOKS,
      undefined,
      'istio-revision-tag-default',
    )!;
    expect(webhook.metadata.labels?.['istio.io/rev']).toBe('default-v1-25-2');
    // Pods already running keep their proxies.
    expect(proxiesIn(store, 'storefront')).toEqual([
      ['default-v1-24-3', 'docker.io/istio/proxyv2:1.24.3'],
      ['default-v1-24-3', 'docker.io/istio/proxyv2:1.24.3'],
    ]);
  });

  it('repoints a tag that names an IstioRevision when its targetRef is patched', async () => {
    const tagRevision = () =>
      store.get(MUTATING_WEBHOOKS, undefined, 'istio-revision-tag-prod-stable')
        ?.metadata.labels?.['istio.io/rev'];
    store.create(ISTIO_REVISION_TAGS, {
      apiVersion: 'sailoperator.io/v1',
      kind: 'IstioRevisionTag',
      metadata: { name: 'prod-stable' },
      spec: { targetRef: { kind: 'IstioRevision', name: 'default-v1-24-3' } },
    });
    await waitFor(() => tagRevision() === 'default-v1-24-3');
    // The JSON Patch the backend's Sail adapter writes for a tag on a revision.
    store.patch(
      ISTIO_REVISION_TAGS,
      undefined,
      'prod-stable',
      'application/json-patch+json',
      [
        {
          op: 'test',
          path: '/spec/targetRef',
          value: { kind: 'IstioRevision', name: 'default-v1-24-3' },
        },
        {
          op: 'replace',
          path: '/spec/targetRef',
          value: { kind: 'IstioRevision', name: 'default-v1-25-2' },
        },
      ],
    );
    await waitFor(() => tagRevision() === 'default-v1-25-2');
    expect(
      store.get(ISTIO_REVISION_TAGS, undefined, 'prod-stable')?.status,
    ).toMatchObject({
      istioRevision: 'default-v1-25-2',
      istiodNamespace: 'istio-system',
    });
  });

  it('keeps an unused old revision for the grace period, then removes it', async () => {
    const onNew = ['default-v1-25-2', 'docker.io/istio/proxyv2:1.25.2'];
    await restartAndRollOut(store, 'storefront');
    await restartAndRollOut(store, 'customers');
    expect(proxiesIn(store, 'storefront')).toEqual([onNew, onNew]);
    expect(proxiesIn(store, 'customers')).toEqual([onNew, onNew]);

    // default-v1-24-3 is unused now, but its 30 s grace period has not passed.
    await waitFor(
      () =>
        conditionOf(
          store.get(ISTIO_REVISIONS, undefined, 'default-v1-24-3'),
          'InUse',
        )?.status === 'False',
    );
    expect(
      conditionOf(
        store.get(ISTIO_REVISIONS, undefined, 'default-v1-24-3'),
        'InUse',
      ),
    ).toMatchObject({ reason: 'NotReferencedByAnything' });
    expect(revisionNames(store)).toContain('default-v1-24-3');

    // With no grace period left it goes, with its istiod and webhook.
    const istio = store.get(ISTIOS, undefined, 'default')!;
    store.update(ISTIOS, {
      ...istio,
      spec: {
        ...(istio.spec as object),
        updateStrategy: {
          type: 'RevisionBased',
          inactiveRevisionDeletionGracePeriodSeconds: 0,
        },
      },
    });
    await waitFor(() => !revisionNames(store).includes('default-v1-24-3'));
    await waitFor(
      () => !store.get(DEPLOYMENTS, 'istio-system', 'istiod-default-v1-24-3'),
    );
    expect(
      store.get(
        MUTATING_WEBHOOKS,
        undefined,
        'istio-sidecar-injector-default-v1-24-3',
      ),
    ).toBeUndefined();
    // The revision a namespace is pinned to by name stays while it is used.
    expect(revisionNames(store)).toEqual([
      'default-v1-23-6',
      'default-v1-25-2',
    ]);
    await waitFor(() => istioStatus(store).revisions?.total === 2);
  });

  it('removes the pinned revision once its namespace moves to the tag', async () => {
    relabel(store, 'fraud-detection', { 'istio.io/rev': 'default' });
    await restartAndRollOut(store, 'fraud-detection');
    await waitFor(() => revisionNames(store).join() === 'default-v1-25-2');
    await waitFor(() => istioStatus(store).revisions?.total === 1);
    expect(istioStatus(store)).toMatchObject({
      activeRevisionName: 'default-v1-25-2',
      revisions: { total: 1, ready: 1, inUse: 1 },
    });
    validateMeshObjects(store);
  });
});

describe('scenario sail with a short grace period', () => {
  it('removes an old revision by itself once its grace period has passed', async () => {
    const store = newCluster();
    const stop = await scenarios.sail.setup(store, {
      readyDelayMs: 0,
      revisionGracePeriodSeconds: 0,
    });
    try {
      expect(
        (
          store.get(ISTIOS, undefined, 'default')?.spec as {
            updateStrategy: object;
          }
        ).updateStrategy,
      ).toEqual({
        type: 'RevisionBased',
        inactiveRevisionDeletionGracePeriodSeconds: 0,
      });
      // Everything still on the old revision moves; nothing else is asked.
      for (const namespace of ['customers', 'fraud-detection']) {
        if (namespace === 'fraud-detection') {
          relabel(store, namespace, { 'istio.io/rev': 'default' });
        }
        await restartAndRollOut(store, namespace);
      }
      await waitFor(() => revisionNames(store).join() === 'default-v1-24-3');
    } finally {
      stop();
    }
  });
});
