import {
  bookinfoInMesh,
  bookinfoWithUnreachableCluster,
  checkoutDrift,
  legacyBillingNotInMesh,
  searchWithWarnings,
} from '../__fixtures__/meshStatus';
import {
  restartCheckoutIntent,
  withErrorWarning,
} from '../__fixtures__/cardStates';
import { nextStep } from './nextStep';

describe('nextStep', () => {
  it('enrolls a namespace that is not in the mesh, whatever its info-level findings say', () => {
    const step = nextStep(legacyBillingNotInMesh());
    expect(step?.label).toBe('Enroll in mesh');
    expect(step?.intent).toEqual({
      action: 'enroll',
      title: 'Enroll legacy-billing in the mesh',
      request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
    });
  });

  it('restarts the workloads that need it, counted, before fixing warnings', () => {
    const step = nextStep(checkoutDrift());
    expect(step?.label).toBe('Restart 2 workloads');
    expect(step?.intent).toEqual(restartCheckoutIntent);
  });

  it('leads with the fix of an error before anything else', () => {
    const step = nextStep(withErrorWarning(checkoutDrift()));
    expect(step?.label).toBe('Fix labels');
    expect(step?.intent.action).toBe('setInjection');
    expect(step?.reason).toMatch(/^SM-NO-CNI: Pods lack/);
  });

  it('offers a warning-level fix when nothing else is to be done', () => {
    const status = searchWithWarnings();
    for (const w of status.clusters[0].namespaces[0].workloads) {
      w.restartNeeded = false;
    }
    const step = nextStep(status);
    const fix = status.clusters[0].namespaces[0].warnings.find(
      w => w.severity === 'warning' && w.fix,
    );
    expect(step?.label).toBe('Use revision prod-canary only');
    expect(step?.intent).toEqual(fix?.fix);
  });

  it('has nothing to offer for an entity fully in the mesh', () => {
    expect(nextStep(bookinfoInMesh())).toBeUndefined();
  });

  it('offers nothing on an unreachable cluster', () => {
    const status = bookinfoWithUnreachableCluster();
    const unreachable = status.clusters.find(c => !c.reachable)!;
    // What was last known there: a namespace outside the mesh.
    unreachable.namespaces = legacyBillingNotInMesh().clusters[0].namespaces;
    expect(nextStep(status)).toBeUndefined();
  });
});
