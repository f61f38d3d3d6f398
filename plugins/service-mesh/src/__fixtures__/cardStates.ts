import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { checkoutDrift } from './meshStatus';

/**
 * checkout while a restart rolls out: `moved` of each workload's 2 pods on
 * 1-24-3, and the old-revision warning gone for a workload fully moved.
 */
export function checkoutRollingOut(moved: [number, number]): EntityMeshStatus {
  const status = checkoutDrift();
  const namespace = status.clusters[0].namespaces[0];
  namespace.workloads.forEach((w, i) => {
    w.proxies = [
      { revision: '1-23-1', version: '1.23.1', pods: w.pods - moved[i] },
      { revision: '1-24-3', version: '1.24.3', pods: moved[i] },
    ].filter(p => p.pods > 0);
    w.restartNeeded = moved[i] < w.pods;
  });
  namespace.warnings = namespace.warnings.filter(
    (_, i) => moved[i] < namespace.workloads[i].pods,
  );
  return status;
}

/** What the card's "Restart 2 workloads" sends for checkout. */
export const restartCheckoutIntent = {
  action: 'restart' as const,
  title: 'Restart 2 workloads in checkout',
  request: {
    cluster: 'demo-istio-revisions',
    namespace: 'checkout',
    workloads: [
      { kind: 'Deployment' as const, name: 'checkout' },
      { kind: 'Deployment' as const, name: 'payments-gateway' },
    ],
  },
};

/** Switching checkout to `revision`, offering the restart of its workloads. */
export function switchCheckoutIntent(revision: string) {
  return {
    action: 'switchRevision' as const,
    title: `Switch checkout to ${revision}`,
    request: {
      cluster: 'demo-istio-revisions',
      namespace: 'checkout',
      revision,
    },
    restart: {
      intent: restartCheckoutIntent,
      permission: { allowed: true, loading: false },
    },
  };
}

/**
 * The status with an error-level warning on its first namespace, as for a
 * missing CNI attachment, fixed by "Fix labels".
 */
export function withErrorWarning(status: EntityMeshStatus): EntityMeshStatus {
  const cluster = status.clusters[0];
  const namespace = cluster.namespaces[0];
  namespace.warnings.push({
    code: 'SM-NO-CNI',
    severity: 'error',
    namespace: namespace.name,
    message: 'Pods lack the istio-cni network attachment.',
    fix: {
      action: 'setInjection',
      title: 'Fix labels',
      request: {
        cluster: cluster.name,
        namespace: namespace.name,
        injection: 'enabled',
      },
    },
  });
  return status;
}
