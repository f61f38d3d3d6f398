import { mockServices } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import type { ClusterCacheChange } from '../kubernetes/ClusterCache';
import {
  changeAffects,
  EntityInterest,
  EntityStatusSignals,
} from './EntityStatusSignals';
import { entityStatusChannel } from '@mesh-backstage/plugin-service-mesh-common';

const pod = (
  namespace: string,
  labels: Record<string, string> = {},
): ClusterCacheChange => ({
  collection: 'pods',
  type: 'MODIFIED',
  object: { metadata: { name: 'p', namespace, labels } },
});

const byId: EntityInterest = {
  scope: {
    workloadSelector: {
      matchLabels: { 'backstage.io/kubernetes-id': 'checkout' },
    },
  },
  namespaces: new Map([['demo', ['checkout']]]),
};
const byNamespace: EntityInterest = {
  scope: { namespace: 'payments', cluster: 'demo' },
  namespaces: new Map([['demo', []]]),
};

describe('changeAffects', () => {
  it('takes changes of pods and workloads in the entity namespaces', () => {
    expect(changeAffects(byId, 'demo', pod('checkout'))).toBe(true);
    expect(changeAffects(byId, 'demo', pod('orders'))).toBe(false);
    expect(changeAffects(byId, 'other', pod('checkout'))).toBe(false);
  });

  it('takes a workload that starts or stops matching the selector elsewhere', () => {
    const moved = pod('checkout-canary', {
      'backstage.io/kubernetes-id': 'checkout',
    });
    expect(changeAffects(byId, 'demo', moved)).toBe(true);
    const left: ClusterCacheChange = {
      collection: 'deployments',
      type: 'MODIFIED',
      object: { metadata: { name: 'd', namespace: 'elsewhere', labels: {} } },
      previous: {
        metadata: {
          name: 'd',
          namespace: 'elsewhere',
          labels: { 'backstage.io/kubernetes-id': 'checkout' },
        },
      },
    };
    expect(changeAffects(byId, 'demo', left)).toBe(true);
  });

  it('takes the named namespace appearing, on its cluster only', () => {
    const created: ClusterCacheChange = {
      collection: 'namespaces',
      type: 'ADDED',
      object: { metadata: { name: 'payments' } },
    };
    expect(changeAffects(byNamespace, 'demo', created)).toBe(true);
    expect(changeAffects(byNamespace, 'other', created)).toBe(false);
    expect(
      changeAffects(byNamespace, 'demo', {
        ...created,
        object: { metadata: { name: 'orders' } },
      }),
    ).toBe(false);
    expect(changeAffects(byNamespace, 'demo', pod('payments'))).toBe(true);
  });

  it('takes changes that may reach any namespace: member rolls, webhooks, relists', () => {
    const memberRoll: ClusterCacheChange = {
      collection: 'serviceMeshMemberRolls',
      type: 'MODIFIED',
      object: { metadata: { name: 'default', namespace: 'istio-system' } },
    };
    expect(changeAffects(byId, 'demo', memberRoll)).toBe(true);
    expect(
      changeAffects(byId, 'demo', { collection: 'pods', type: 'RELISTED' }),
    ).toBe(true);
  });
});

describe('EntityStatusSignals', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function publisher() {
    const published: SignalPayload[] = [];
    let clock = 0;
    const signals = new EntityStatusSignals({
      signals: {
        publish: async (signal: SignalPayload) => void published.push(signal),
      },
      logger: mockServices.logger.mock(),
      debounceMs: 250,
      interestTtlMs: 60_000,
      now: () => clock,
    });
    return {
      signals,
      published,
      advance: async (ms: number) => {
        clock += ms;
        await jest.advanceTimersByTimeAsync(ms);
      },
    };
  }

  it('sends one signal for the changes of a debounce interval, on the entity channel', async () => {
    const { signals, published, advance } = publisher();
    signals.noteInterest('Component:default/Checkout', byId);
    signals.onChange('demo', pod('checkout'));
    await advance(100);
    signals.onChange('demo', pod('checkout'));
    expect(published).toEqual([]);
    await advance(150);
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'service-mesh:entity:component:default/checkout',
        message: {
          type: 'status-changed',
          entityRef: 'component:default/checkout',
          at: new Date(250).toISOString(),
        },
      },
    ]);
    signals.onChange('demo', pod('checkout'));
    await advance(250);
    expect(published).toHaveLength(2);
  });

  it('signals only entities whose status was read, and only while the interest lasts', async () => {
    const { signals, published, advance } = publisher();
    signals.onChange('demo', pod('checkout'));
    await advance(300);
    expect(published).toEqual([]);

    signals.noteInterest('component:default/checkout', byId);
    signals.noteInterest('component:default/payments', byNamespace);
    signals.onChange('demo', pod('checkout'));
    await advance(300);
    expect(published.map(p => p.channel)).toEqual([
      entityStatusChannel('component:default/checkout'),
    ]);

    await advance(60_001);
    signals.onChange('demo', pod('checkout'));
    await advance(300);
    expect(published).toHaveLength(1);
  });

  it('renews an interest noted again, and follows the newest one noted', async () => {
    const { signals, published, advance } = publisher();
    signals.noteInterest('component:default/checkout', byId);
    await advance(50_000);
    // The same interest object again (a memoised status): renewed.
    signals.noteInterest('component:default/checkout', byId);
    await advance(50_000);
    signals.onChange('demo', pod('checkout'));
    await advance(300);
    expect(published).toHaveLength(1);

    // The entity now runs in another namespace: only that one counts.
    signals.noteInterest('component:default/checkout', {
      ...byId,
      namespaces: new Map([['demo', ['checkout-v2']]]),
    });
    signals.onChange('demo', pod('checkout'));
    await advance(300);
    expect(published).toHaveLength(1);
    signals.onChange('demo', pod('checkout-v2'));
    await advance(300);
    expect(published).toHaveLength(2);
  });

  it('follows the caches it watches, and stops following them', async () => {
    const { signals, published, advance } = publisher();
    const listeners: Array<(change: ClusterCacheChange) => void> = [];
    const cache = {
      subscribe: (listener: (change: ClusterCacheChange) => void) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    };
    const unwatch = signals.watch([{ config: { name: 'demo' }, cache }]);
    signals.noteInterest('component:default/checkout', byId);
    listeners.forEach(listener => listener(pod('checkout')));
    await advance(250);
    expect(published).toHaveLength(1);
    unwatch();
    expect(listeners).toEqual([]);
  });
});
