import type {
  NamespaceMeshStatus,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  bookinfoNamespace,
  checkoutDrift,
  legacyBillingNotInMesh,
} from '../__fixtures__/meshStatus';
import {
  changingInjectionSettings,
  offeredNamespaceActions,
  revisionSwitchChoices,
  withRestartOffer,
} from './meshActions';

const allowed = { allowed: true, loading: false };

function labelled(
  injection: Partial<NamespaceMeshStatus['injection']>,
  membership: NamespaceMeshStatus['membership'],
): NamespaceMeshStatus {
  const namespace = checkoutDrift().clusters[0].namespaces[0];
  return {
    ...namespace,
    membership,
    injection: { mode: 'unset', perWorkload: false, ...injection },
  };
}

const labels = (namespace: NamespaceMeshStatus) =>
  offeredNamespaceActions('dev', namespace, allowed).map(a => a.label);

describe('offeredNamespaceActions', () => {
  it('offers a namespace with no injection setting only to enroll, not to disable or remove what is not there', () => {
    expect(labels(labelled({ mode: 'unset' }, { member: false }))).toEqual([
      'Enroll in mesh',
      'Restart workloads',
    ]);
  });

  it('offers an injected namespace to leave or to disable, not to enable again', () => {
    expect(
      labels(labelled({ mode: 'enabled' }, { member: true, via: 'labels' })),
    ).toEqual(['Remove from mesh', 'Disable injection', 'Restart workloads']);
  });

  it('offers a namespace disabled on purpose to enroll or to drop the setting', () => {
    expect(labels(labelled({ mode: 'disabled' }, { member: false }))).toEqual([
      'Enroll in mesh',
      'Remove injection setting',
      'Restart workloads',
    ]);
  });

  it('does not offer leaving to a namespace a member selector picks', () => {
    expect(
      labels({
        ...bookinfoNamespace(),
        membership: { member: true, via: 'memberSelector' },
      }),
    ).not.toContain('Remove from mesh');
  });

  it('offers per-workload injection on OSSM 2 by what the annotations would change', () => {
    const namespace = bookinfoNamespace();
    // Every workload already opts in.
    expect(changingInjectionSettings(namespace)).toEqual([
      'disabled',
      'removed',
    ]);
    const notAnnotated: WorkloadMeshStatus[] = namespace.workloads.map(w => ({
      ...w,
      injectAnnotation: undefined,
    }));
    expect(
      changingInjectionSettings({ ...namespace, workloads: notAnnotated }),
    ).toEqual(['enabled']);
    // Opting workloads in is pointless before the namespace is a member.
    expect(
      changingInjectionSettings({
        ...namespace,
        membership: { member: false },
        workloads: notAnnotated,
      }),
    ).toEqual([]);
  });

  it('offers no restart without a workload that a rollout would restart', () => {
    const namespace = legacyBillingNotInMesh().clusters[0].namespaces[0];
    expect(labels({ ...namespace, workloads: [] })).toEqual(['Enroll in mesh']);
    expect(
      labels({
        ...namespace,
        workloads: namespace.workloads.map(w => ({
          ...w,
          kind: 'Job' as const,
        })),
      }),
    ).toEqual(['Enroll in mesh']);
  });

  it('adds "and restart" to enrolling, with the workloads and the restart permission', () => {
    const namespace = legacyBillingNotInMesh().clusters[0].namespaces[0];
    const denied = { allowed: false, loading: false, reason: 'No.' };
    const [enroll] = offeredNamespaceActions('dev', namespace, denied);
    expect(enroll.intent.restart).toEqual({
      intent: {
        action: 'restart',
        title: 'Restart workloads in legacy-billing',
        request: {
          cluster: 'dev',
          namespace: 'legacy-billing',
          workloads: namespace.workloads.map(w => ({
            kind: w.kind,
            name: w.name,
          })),
        },
      },
      permission: denied,
    });
  });
});

describe('withRestartOffer', () => {
  it('offers none where the change rolls the pods itself or is a restart', () => {
    const namespace = bookinfoNamespace();
    const request = { cluster: 'dev', namespace: 'bookinfo' };
    expect(
      withRestartOffer(
        {
          action: 'setInjection',
          title: 't',
          request: { ...request, injection: 'disabled' },
        },
        namespace,
        allowed,
      ).restart,
    ).toBeUndefined();
    expect(
      withRestartOffer(
        { action: 'restart', title: 't', request },
        namespace,
        allowed,
      ).restart,
    ).toBeUndefined();
    expect(
      withRestartOffer(
        { action: 'unenroll', title: 't', request },
        namespace,
        allowed,
      ).restart?.intent.request.workloads,
    ).toHaveLength(6);
  });
});

describe('revisionSwitchChoices', () => {
  it('leaves out the revision the namespace is already labelled with', () => {
    const namespace = checkoutDrift().clusters[0].namespaces[0];
    const values = revisionSwitchChoices(namespace).map(c => c.value);
    expect(namespace.injection.revisionLabel).toBe('1-24-3');
    expect(values).not.toContain('1-24-3');
    expect(values).toContain('1-23-1');
  });

  it('keeps it when istio-injection overrides the label, since switching then changes something', () => {
    const namespace = checkoutDrift().clusters[0].namespaces[0];
    const overridden = {
      ...namespace,
      injection: { ...namespace.injection, mode: 'enabled' as const },
    };
    expect(revisionSwitchChoices(overridden).map(c => c.value)).toContain(
      '1-24-3',
    );
  });
});
