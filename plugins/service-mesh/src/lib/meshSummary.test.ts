import {
  bookinfoInMesh,
  bookinfoWithUnreachableCluster,
  checkoutDrift,
  legacyBillingNotInMesh,
  searchWithWarnings,
} from '../__fixtures__/meshStatus';
import { withErrorWarning } from '../__fixtures__/cardStates';
import {
  clusterProblem,
  injectionText,
  revisionLabel,
  revisionWithRole,
  summarizeStatus,
  verdictDisplay,
} from './meshSummary';

describe('summarizeStatus', () => {
  it('is in mesh when every namespace is a member and every workload has a sidecar', () => {
    const summary = summarizeStatus(bookinfoInMesh());
    expect(summary).toMatchObject({
      verdict: 'inMesh',
      namespaces: 1,
      namespacesInMesh: 1,
      workloads: 6,
      workloadsWithSidecar: 6,
      workloadsNeedingRestart: 0,
      warnings: [],
    });
    expect(summary.serving.map(revisionLabel)).toEqual(['basic (2.5.2)']);
  });

  it('is not in mesh without members or sidecars', () => {
    expect(summarizeStatus(legacyBillingNotInMesh()).verdict).toBe('notInMesh');
  });

  it('is partly in mesh when a workload runs without a sidecar', () => {
    const summary = summarizeStatus(searchWithWarnings());
    expect(summary.verdict).toBe('partlyInMesh');
    expect(summary.workloadsWithSidecar).toBe(2);
    expect(summary.serving.map(revisionLabel)).toEqual([
      'default → 1-23-1 (1.23.1)',
    ]);
  });

  it('counts workloads that need a restart and sorts warnings by severity', () => {
    const status = checkoutDrift();
    status.clusters[0].namespaces[0].warnings.push({
      code: 'SM-INJECTOR-NOT-READY',
      severity: 'error',
      namespace: 'checkout',
      message: 'The injector of revision 1-24-3 is not ready',
    });
    const summary = summarizeStatus(status);
    expect(summary.workloadsNeedingRestart).toBe(2);
    expect(summary.warnings.map(w => w.code)).toEqual([
      'SM-INJECTOR-NOT-READY',
      'SM-OLD-REVISION',
      'SM-OLD-REVISION',
    ]);
  });

  it('is unknown when no namespace could be read', () => {
    const status = bookinfoWithUnreachableCluster();
    status.clusters.shift();
    expect(summarizeStatus(status).verdict).toBe('unknown');
  });
});

describe('clusterProblem', () => {
  it('names unreachable clusters and read errors', () => {
    const [ok, unreachable] = bookinfoWithUnreachableCluster().clusters;
    expect(clusterProblem(ok)).toBeUndefined();
    expect(clusterProblem(unreachable)).toBe(
      'Cluster demo-ossm2-dr is unreachable: connect ECONNREFUSED 10.0.12.5:6443. Its mesh status is unknown.',
    );
    expect(clusterProblem({ ...ok, error: 'watch failed: 410 Gone' })).toMatch(
      /could not be read just now: watch failed: 410 Gone. Showing the last known state./,
    );
  });
});

describe('injectionText', () => {
  it('lists both labels when both are set', () => {
    const namespace = searchWithWarnings().clusters[0].namespaces[0];
    expect(injectionText(namespace)).toBe(
      'istio-injection=enabled, istio.io/rev=prod-canary',
    );
  });
});

describe('revisionWithRole', () => {
  it('names a revision other than the default as the canary, and the default', () => {
    const [serving] = summarizeStatus(checkoutDrift()).serving;
    expect(revisionWithRole(serving)).toBe(
      '1-24-3 (canary; default is 1-23-1)',
    );
    expect(revisionWithRole({ ...serving, tag: 'prod-canary' })).toBe(
      'prod-canary → 1-24-3 (canary; default is 1-23-1)',
    );
  });

  it('keeps the plain label, version included, for the default revision', () => {
    const [serving] = summarizeStatus(bookinfoInMesh()).serving;
    expect(revisionWithRole(serving)).toBe('basic (2.5.2)');
  });

  it('keeps a version the revision name does not spell', () => {
    const [serving] = summarizeStatus(checkoutDrift()).serving;
    expect(revisionWithRole({ ...serving, version: '1.24.3-patched' })).toBe(
      '1-24-3 (1.24.3-patched; canary; default is 1-23-1)',
    );
  });
});

describe('verdictDisplay', () => {
  it('is green "In mesh" only with nothing worse than an informational finding', () => {
    expect(verdictDisplay(summarizeStatus(bookinfoInMesh()))).toEqual({
      status: 'ok',
      text: 'In mesh',
    });
  });

  it('turns red beside an error-level warning, whatever the membership', () => {
    const status = withErrorWarning(bookinfoInMesh());
    expect(verdictDisplay(summarizeStatus(status))).toEqual({
      status: 'error',
      text: 'In mesh, with 1 error',
    });
  });

  it('turns amber with warnings, counted', () => {
    expect(verdictDisplay(summarizeStatus(checkoutDrift()))).toEqual({
      status: 'warning',
      text: 'In mesh, with 2 warnings',
    });
  });

  it('says a restart is needed when no warning says so', () => {
    const status = checkoutDrift();
    status.clusters[0].namespaces[0].warnings = [];
    expect(verdictDisplay(summarizeStatus(status))).toEqual({
      status: 'warning',
      text: 'In mesh, restart needed',
    });
  });

  it('keeps "Not in mesh" grey with only the informational IST0102', () => {
    expect(verdictDisplay(summarizeStatus(legacyBillingNotInMesh()))).toEqual({
      status: 'aborted',
      text: 'Not in mesh',
    });
  });
});
