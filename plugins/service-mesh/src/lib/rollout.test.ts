import type { WorkloadMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import {
  checkoutDrift,
  enrollPlan,
  legacyBillingNotInMesh,
  restartPlan,
} from '../__fixtures__/meshStatus';
import {
  checkoutRollingOut,
  restartCheckoutIntent,
  switchCheckoutIntent,
} from '../__fixtures__/cardStates';
import type {
  AnyActionResponse,
  MeshActionIntent,
} from '../components/ActionDialog';
import { changeProgress, FollowedChange, podsOnNewProxy } from './rollout';

const restartCheckout: MeshActionIntent = restartCheckoutIntent;

function followed(
  intent: MeshActionIntent,
  result: AnyActionResponse = { ...restartPlan, dryRun: false, applied: true },
): FollowedChange {
  return { intent, result, appliedAt: 0 };
}

const checkoutWith = checkoutRollingOut;

describe('changeProgress', () => {
  it('counts the pods on the new proxy while a restart rolls out', () => {
    const change = followed(restartCheckout);
    expect(changeProgress(checkoutWith([0, 0]), change)).toEqual({
      settled: false,
      text: 'Rolling out: 0 of 4 pods on the new proxy',
      pods: { done: 0, total: 4 },
    });
    expect(changeProgress(checkoutWith([2, 0]), change)).toMatchObject({
      settled: false,
      text: 'Rolling out: 2 of 4 pods on the new proxy',
    });
    expect(changeProgress(checkoutWith([2, 2]), change)).toEqual({
      settled: true,
      text: 'Rolled out: 4 of 4 pods on the new proxy',
      pods: { done: 4, total: 4 },
    });
  });

  it('follows only the restarted workloads', () => {
    const one: MeshActionIntent = {
      ...restartCheckout,
      request: {
        ...restartCheckout.request,
        workloads: [{ kind: 'Deployment', name: 'checkout' }],
      },
    };
    expect(changeProgress(checkoutWith([2, 0]), followed(one))).toMatchObject({
      settled: true,
      text: 'Rolled out: 2 of 2 pods on the new proxy',
    });
  });

  it('waits for an enrolled namespace to become a member, then is done', () => {
    const intent: MeshActionIntent = {
      action: 'enroll',
      title: 'Enroll legacy-billing in the mesh',
      request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
    };
    const change = followed(intent, {
      ...enrollPlan,
      dryRun: false,
      applied: true,
    });
    const before = legacyBillingNotInMesh();
    expect(changeProgress(before, change)).toEqual({
      settled: false,
      text: 'Waiting for legacy-billing to become a member of the mesh',
    });

    const pending = legacyBillingNotInMesh();
    pending.clusters[0].namespaces[0].membership = {
      member: false,
      pending: true,
    };
    expect(changeProgress(pending, change).text).toBe(
      'Waiting for the mesh operator to configure legacy-billing',
    );

    const member = legacyBillingNotInMesh();
    member.clusters[0].namespaces[0].membership = {
      member: true,
      via: 'memberRoll',
    };
    expect(changeProgress(member, change)).toEqual({
      settled: true,
      text: 'legacy-billing is a member of the mesh',
    });
  });

  it('follows a restart confirmed with a change: the namespace first, then the pods', () => {
    const switchCheckout: MeshActionIntent = switchCheckoutIntent('1-25-0');
    const one: MeshActionIntent = {
      ...restartCheckout,
      request: {
        ...restartCheckout.request,
        workloads: [{ kind: 'Deployment', name: 'checkout' }],
      },
    };
    const change = {
      ...followed(one),
      afterChange: followed(switchCheckout, {
        ...enrollPlan,
        dryRun: false,
        applied: true,
      }),
    };
    // checkout still uses 1-24-3: the switch has not reached it yet.
    expect(changeProgress(checkoutWith([1, 0]), change)).toEqual({
      settled: false,
      text: 'Waiting for checkout to use 1-25-0',
    });
    expect(
      changeProgress(checkoutWith([1, 0]), {
        ...change,
        afterChange: followed(switchCheckoutIntent('1-24-3')),
      }),
    ).toMatchObject({
      settled: false,
      text: 'Rolling out: 1 of 2 pods on the new proxy',
    });
  });

  it('waits for the status of a namespace it does not see yet', () => {
    expect(changeProgress(undefined, followed(restartCheckout))).toEqual({
      settled: false,
      text: 'Waiting for the status of checkout',
    });
  });
});

describe('podsOnNewProxy', () => {
  const base: WorkloadMeshStatus =
    checkoutDrift().clusters[0].namespaces[0].workloads[0];

  it('counts pods without a sidecar when new pods get none', () => {
    expect(
      podsOnNewProxy({
        ...base,
        expectedRevision: undefined,
        podsWithSidecar: 1,
        podsWithoutSidecar: 1,
        restartNeeded: true,
      }),
    ).toBe(1);
  });

  it('counts every pod of a workload needing no restart', () => {
    expect(podsOnNewProxy({ ...base, restartNeeded: false })).toBe(2);
  });
});
