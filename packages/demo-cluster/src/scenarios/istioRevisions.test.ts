import { DEPLOYMENTS, EVENTS, MUTATING_WEBHOOKS } from '../controllers/common';
import { deleteControlPlaneRevision } from '../controllers/istiod';
import { isPodReady } from '../controllers/workloads';
import { waitFor } from '../waitFor';
import { deployApp, rolledOut } from './apps';
import {
  moveTag,
  podsIn,
  proxiesIn,
  relabel,
  restartAndRollOut,
  useScenario,
} from './__testUtils__/clusterChecks';

const ON_OLD = ['1-23-1', 'docker.io/istio/proxyv2:1.23.1'];
const ON_NEW = ['1-24-3', 'docker.io/istio/proxyv2:1.24.3'];

describe('canary upgrade on scenario istio-revisions', () => {
  const store = useScenario('istio-revisions');

  it('runs two revisions side by side, with stable, default and canary tags', () => {
    for (const revision of ['1-23-1', '1-24-3']) {
      expect(
        podsIn(
          store,
          'istio-system',
          `app=istiod,istio.io/rev=${revision}`,
        ).filter(isPodReady),
      ).toHaveLength(1);
    }
    const tags = store
      .list(MUTATING_WEBHOOKS)
      .filter(c => c.metadata.labels?.['istio.io/tag'])
      .map(c => [
        c.metadata.labels!['istio.io/tag'],
        c.metadata.labels!['istio.io/rev'],
        (
          c.webhooks as Array<{ clientConfig: { service: { name: string } } }>
        )[0].clientConfig.service.name,
      ]);
    expect(tags.sort()).toEqual([
      ['default', '1-23-1', 'istiod-1-23-1'],
      ['prod-canary', '1-24-3', 'istiod-1-24-3'],
      ['prod-stable', '1-23-1', 'istiod-1-23-1'],
    ]);
  });

  it('moves a namespace to the canary tag once it is relabelled and restarted', async () => {
    // search has both labels: istio-injection wins until it is removed.
    expect(proxiesIn(store, 'search')).toEqual([ON_OLD, ON_OLD]);
    relabel(store, 'search', { 'istio-injection': null });
    expect(proxiesIn(store, 'search')).toEqual([ON_OLD, ON_OLD]);
    await restartAndRollOut(store, 'search');
    expect(proxiesIn(store, 'search')).toEqual([ON_NEW, ON_NEW]);
    for (const pod of podsIn(store, 'search')) {
      expect(pod.metadata.labels?.['istio.io/rev']).toBe('1-24-3');
      expect(isPodReady(pod)).toBe(true);
    }
  });

  it('moves a revision-named namespace by relabelling it', async () => {
    relabel(store, 'catalog', { 'istio.io/rev': '1-24-3' });
    await restartAndRollOut(store, 'catalog');
    expect(proxiesIn(store, 'catalog')).toEqual([ON_NEW, ON_NEW]);
    relabel(store, 'catalog', { 'istio.io/rev': 'prod-stable' });
  });

  it('changes injection for every namespace on a tag when the tag moves', async () => {
    deployApp(store, {
      namespace: 'orders',
      namespaceLabels: { 'istio.io/rev': 'prod-stable' },
      component: 'orders-api',
      workloads: [
        {
          name: 'orders-api',
          app: 'orders-api',
          replicas: 2,
          image: 'quay.io/mesh-demo/orders:1.0.0',
        },
      ],
    });
    deployApp(store, {
      namespace: 'legacy',
      namespaceLabels: { 'istio-injection': 'enabled' },
      component: 'legacy-web',
      workloads: [
        {
          name: 'legacy-web',
          app: 'legacy-web',
          replicas: 1,
          image: 'quay.io/mesh-demo/legacy:1.0.0',
        },
      ],
    });
    await rolledOut(store, ['orders', 'legacy']);
    expect(proxiesIn(store, 'orders')).toEqual([ON_OLD, ON_OLD]);
    expect(proxiesIn(store, 'legacy')).toEqual([ON_OLD]);

    moveTag(store, 'prod-stable', '1-24-3');
    moveTag(store, 'default', '1-24-3');
    // Running pods keep their proxy until they are restarted.
    expect(proxiesIn(store, 'orders')).toEqual([ON_OLD, ON_OLD]);
    await restartAndRollOut(store, 'orders');
    await restartAndRollOut(store, 'legacy');
    await restartAndRollOut(store, 'catalog');
    expect(proxiesIn(store, 'orders')).toEqual([ON_NEW, ON_NEW]);
    expect(proxiesIn(store, 'legacy')).toEqual([ON_NEW]);
    expect(proxiesIn(store, 'catalog')).toEqual([ON_NEW, ON_NEW]);
  });

  it('keeps injecting on the new revision after the old one is uninstalled', async () => {
    // `istioctl uninstall --revision 1-23-1`, once nothing runs on it.
    deleteControlPlaneRevision(store, {
      namespace: 'istio-system',
      revision: '1-23-1',
    });
    await waitFor(
      () => podsIn(store, 'istio-system', 'istio.io/rev=1-23-1').length === 0,
    );
    expect(
      store.get(MUTATING_WEBHOOKS, undefined, 'istio-sidecar-injector-1-23-1'),
    ).toBeUndefined();
    expect(
      store.get(DEPLOYMENTS, 'istio-system', 'istiod-1-23-1'),
    ).toBeUndefined();

    for (const namespace of ['orders', 'legacy', 'search']) {
      await restartAndRollOut(store, namespace);
      for (const [revision, image] of proxiesIn(store, namespace)) {
        expect([revision, image]).toEqual(ON_NEW);
      }
    }
    expect(
      ['orders', 'legacy', 'search'].flatMap(namespace =>
        store
          .list(EVENTS, { namespace })
          .filter(e => e.reason === 'FailedCreate'),
      ),
    ).toEqual([]);
  });
});
