import { createUpgradeState, planUpgrade } from '../domain/upgrades';
import {
  upstreamRequest,
  upstreamScenario,
} from '../domain/upgrades/__fixtures__/scenarios';
import type { StoredMeshUpgrade } from './UpgradeRecorder';
import { detailsView } from './upgradeView';

function stored(): StoredMeshUpgrade {
  const { snapshot } = upstreamScenario();
  const request = upstreamRequest({ moveTags: ['prod-stable'] });
  const outcome = planUpgrade(snapshot, request);
  if (!outcome.ok) throw new Error(outcome.message);
  const { state } = createUpgradeState(
    'u1',
    request,
    outcome.plan,
    new Date('2025-03-01T10:00:00Z'),
  );
  return {
    id: 'u1',
    cluster: 'dev',
    controlPlane: 'istio-system',
    fromRevision: '1-23-1',
    target: '1-24-3',
    phase: 'Paused',
    active: true,
    spec: request,
    plan: outcome.plan,
    state: {
      ...state,
      phase: 'Paused',
      namespaces: state.namespaces.map(n =>
        n.namespace === 'checkout'
          ? {
              ...n,
              status: 'failed' as const,
              reason: 'checkout/checkout-api: 1 of 1 pod not Ready',
              failedPods: { names: ['checkout-api-a'], total: 12 },
            }
          : n,
      ),
    },
    createdBy: 'user:default/guest',
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:05:00.000Z',
    version: 3,
  } as StoredMeshUpgrade;
}

describe('detailsView', () => {
  it("carries a failed namespace's pods concerned, and none for the others", () => {
    const namespaces = detailsView(stored(), undefined).batches.flatMap(
      b => b.namespaces,
    );
    expect(namespaces.find(n => n.namespace === 'checkout')).toEqual(
      expect.objectContaining({
        status: 'failed',
        failedPods: { names: ['checkout-api-a'], total: 12 },
      }),
    );
    const others = namespaces.filter(n => n.namespace !== 'checkout');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every(n => !('failedPods' in n))).toBe(true);
  });
});
