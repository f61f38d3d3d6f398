import { MUTATING_WEBHOOKS, NAMESPACES } from '../controllers/common';
import { isPodReady } from '../controllers/workloads';
import { scaleNamespaceName } from './scale';
import {
  moveTag,
  podsIn,
  proxiesIn,
  relabel,
  restartAndRollOut,
  useScenario,
} from './__testUtils__/clusterChecks';

const NAMESPACES_IN_RUN = 6;
const namespaces = Array.from({ length: NAMESPACES_IN_RUN }, (_, i) =>
  scaleNamespaceName(i),
);

describe('scenario scale with canary revisions', () => {
  const store = useScenario('scale', {
    namespaces: NAMESPACES_IN_RUN,
    podsPerNamespace: 3,
    canaryRevisions: true,
  });

  it('puts every namespace on the older revision, through a tag or by name', () => {
    expect(
      namespaces.map(
        name =>
          store.get(NAMESPACES, undefined, name)?.metadata.labels?.[
            'istio.io/rev'
          ],
      ),
    ).toEqual([
      'prod-stable',
      '1-23-1',
      'prod-stable',
      '1-23-1',
      'prod-stable',
      '1-23-1',
    ]);
    for (const name of namespaces) {
      expect(podsIn(store, name)).toHaveLength(3);
      for (const proxy of proxiesIn(store, name)) {
        expect(proxy).toEqual(['1-23-1', 'docker.io/istio/proxyv2:1.23.1']);
      }
    }
    expect(
      store
        .list(MUTATING_WEBHOOKS)
        .map(c => c.metadata.name)
        .sort(),
    ).toEqual([
      'istio-revision-tag-default',
      'istio-revision-tag-prod-canary',
      'istio-revision-tag-prod-stable',
      'istio-sidecar-injector-1-23-1',
      'istio-sidecar-injector-1-24-3',
    ]);
  });

  it('upgrades every namespace: the tag moves, pinned ones are relabelled, all restart', async () => {
    moveTag(store, 'prod-stable', '1-24-3');
    for (const [i, name] of namespaces.entries()) {
      if (i % 2 === 1) relabel(store, name, { 'istio.io/rev': '1-24-3' });
      await restartAndRollOut(store, name);
    }
    for (const name of namespaces) {
      const pods = podsIn(store, name);
      expect(pods).toHaveLength(3);
      expect(pods.every(isPodReady)).toBe(true);
      for (const proxy of proxiesIn(store, name)) {
        expect(proxy).toEqual(['1-24-3', 'docker.io/istio/proxyv2:1.24.3']);
      }
    }
  });
});
