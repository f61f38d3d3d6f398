import { emptyClusterSnapshot } from '../snapshot';
import {
  planProvisionNamespace,
  PROVISIONED_BY_ANNOTATION,
  PROVISIONED_FOR_ANNOTATION,
} from './provisionNamespace';

const jane = 'user:default/jane';
const request = {
  namespace: 'checkout',
  entityRef: 'component:default/checkout',
  manifests: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'checkout' },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout' } },
  ],
};

function provisioned(by = jane, forRef = request.entityRef) {
  const snapshot = emptyClusterSnapshot('c1');
  snapshot.namespaces.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'checkout',
      annotations: {
        [PROVISIONED_FOR_ANNOTATION]: forRef,
        [PROVISIONED_BY_ANNOTATION]: by,
      },
    },
  });
  return snapshot;
}

describe('planProvisionNamespace', () => {
  it('creates a new namespace marked with entity and requester, then the manifests in it', () => {
    const outcome = planProvisionNamespace(
      emptyClusterSnapshot('c1'),
      request,
      jane,
    );
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    expect(outcome.change.operations.map(o => o.summary)).toEqual([
      'Create namespace checkout for component:default/checkout',
      'Create Deployment checkout/checkout',
      'Create Service checkout/checkout',
    ]);
    expect(outcome.change.operations[0].object).toMatchObject({
      metadata: {
        annotations: {
          [PROVISIONED_FOR_ANNOTATION]: 'component:default/checkout',
          [PROVISIONED_BY_ANNOTATION]: jane,
        },
      },
    });
    expect(outcome.change.operations[1].object).toMatchObject({
      metadata: { namespace: 'checkout' },
    });
  });

  it('on a retry creates only what is missing', () => {
    const snapshot = provisioned();
    snapshot.services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'checkout', namespace: 'checkout' },
    } as any);
    const outcome = planProvisionNamespace(snapshot, request, jane);
    expect(outcome.ok && outcome.change.operations.map(o => o.summary)).toEqual(
      ['Create Deployment checkout/checkout'],
    );
  });

  it.each([
    [
      'an existing namespace of someone else',
      provisioned(jane, 'component:default/other'),
      jane,
      'conflict',
      'SM-PROVISION-NAMESPACE-EXISTS',
    ],
    [
      'a namespace another user provisioned',
      provisioned('user:default/bob'),
      jane,
      'notAllowed',
      'SM-PROVISION-OTHER-REQUESTER',
    ],
  ])('refuses %s', (_what, snapshot, requester, kind, code) => {
    const outcome = planProvisionNamespace(snapshot, request, requester);
    expect(outcome.ok ? undefined : outcome.refusal).toMatchObject({
      kind,
      code,
    });
  });

  it.each([
    [{ namespace: 'kube-system' }, 'SM-GUARD-SYSTEM-NAMESPACE'],
    [{ namespace: 'Not_A_Name' }, 'SM-INPUT-NAMESPACE'],
    [
      {
        manifests: [
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
        ],
      },
      'SM-INPUT-MANIFEST-KIND',
    ],
    [
      {
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 's', namespace: 'other' },
          },
        ],
      },
      'SM-INPUT-MANIFEST-NAMESPACE',
    ],
    [
      {
        manifests: [
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad Name' } },
        ],
      },
      'SM-INPUT-MANIFEST-NAME',
    ],
  ])('refuses bad input %j', (change, code) => {
    const outcome = planProvisionNamespace(
      emptyClusterSnapshot('c1'),
      { ...request, ...(change as any) },
      jane,
    );
    expect(outcome.ok ? undefined : outcome.refusal.code).toBe(code);
  });
});
