import type {
  KubeOperation,
  MeshActionResponse,
} from '@mesh-backstage/plugin-service-mesh-common';
import { alreadyDone, describeOperation, describePlan } from './describe';
import { objectChanges } from './diff';
import { withoutOtherNamespaces } from './present';

const namespace = (labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'demo',
    uid: 'u-1',
    resourceVersion: '7',
    managedFields: [{ manager: 'kubectl' }],
    labels,
  },
  status: { phase: 'Active' },
});

function patchOf(before: object, after: object, kind = 'Namespace') {
  return {
    verb: 'patch',
    apiVersion: 'v1',
    kind,
    name: kind === 'Namespace' ? 'demo' : 'default',
    ...(kind !== 'Namespace' && { namespace: 'istio-system' }),
    summary: '',
    resultYaml: '',
    changes: objectChanges(before, after),
  } as KubeOperation;
}

describe('objectChanges', () => {
  it('lists label changes field by field, never status or bookkeeping metadata', () => {
    const before = namespace({ 'istio.io/rev': 'canary', team: 'a' });
    const after = {
      ...namespace({ 'istio-injection': 'enabled', team: 'a' }),
      metadata: {
        ...namespace({}).metadata,
        resourceVersion: '8',
        labels: { 'istio-injection': 'enabled', team: 'a' },
      },
      status: { phase: 'Terminating' },
    };
    expect(objectChanges(before, after)).toEqual([
      { path: ['metadata', 'labels', 'istio.io/rev'], before: 'canary' },
      { path: ['metadata', 'labels', 'istio-injection'], after: 'enabled' },
    ]);
  });

  it('names the entries of a list that come and go, not the whole list', () => {
    const roll = (members: string[]) => ({
      apiVersion: 'maistra.io/v1',
      kind: 'ServiceMeshMemberRoll',
      metadata: { name: 'default' },
      spec: { members },
    });
    expect(
      objectChanges(roll(['a', 'b', 'gone']), roll(['a', 'b', 'new'])),
    ).toEqual([
      { path: ['spec', 'members'], before: 'gone', item: true },
      { path: ['spec', 'members'], after: 'new', item: true },
    ]);
  });

  it('gives a created object its spec as added fields', () => {
    expect(
      objectChanges(undefined, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'demo' },
        spec: { egress: [{ hosts: ['./*'] }] },
      }),
    ).toEqual([{ path: ['spec', 'egress'], after: [{ hosts: ['./*'] }] }]);
  });
});

describe('describeOperation', () => {
  it('says a label change in plain words', () => {
    const operation = patchOf(
      namespace({ 'istio.io/rev': 'canary' }),
      namespace({ 'istio-injection': 'enabled' }),
    );
    expect(describeOperation(operation)).toBe(
      'Remove istio.io/rev; set istio-injection to enabled (namespace demo)',
    );
  });

  it('says a changed value with what it was, and a pod-template annotation where it is', () => {
    const deployment = (inject: string) => ({
      kind: 'Deployment',
      metadata: { name: 'reviews' },
      spec: {
        template: {
          metadata: { annotations: { 'sidecar.istio.io/inject': inject } },
        },
      },
    });
    const operation = {
      ...patchOf(deployment('false'), deployment('true')),
      kind: 'Deployment',
      name: 'reviews',
      namespace: 'demo',
    };
    expect(describeOperation(operation)).toBe(
      'Change sidecar.istio.io/inject on the pod template from false to true (Deployment reviews in demo)',
    );
  });

  it('says a member roll addition as an added member', () => {
    const roll = (members: string[]) => ({ spec: { members } });
    expect(
      describeOperation(
        patchOf(roll(['a']), roll(['a', 'demo']), 'ServiceMeshMemberRoll'),
      ),
    ).toBe(
      'Add demo to members (ServiceMeshMemberRoll default in istio-system)',
    );
  });

  it('names creations and deletions by kind and place', () => {
    const base = {
      apiVersion: 'maistra.io/v1',
      kind: 'ServiceMeshMember',
      name: 'default',
      namespace: 'demo',
      summary: '',
      resultYaml: '',
    };
    expect(describeOperation({ ...base, verb: 'create' })).toBe(
      'Create ServiceMeshMember default in demo',
    );
    expect(describeOperation({ ...base, verb: 'delete' })).toBe(
      'Delete ServiceMeshMember default in demo',
    );
  });
});

describe('describePlan', () => {
  it('words a plan that changes nothing neutrally, as the state found', () => {
    const base = { cluster: 'dev', namespace: 'demo' };
    expect(describePlan('enroll', base, [])).toBe(
      'Already a member of the mesh',
    );
    expect(alreadyDone('unenroll', base)).toBe('Already outside the mesh');
    expect(
      alreadyDone('setInjection', { ...base, injection: 'disabled' }),
    ).toBe('Injection is already disabled');
    expect(alreadyDone('setInjection', { ...base, injection: 'removed' })).toBe(
      'No injection setting to remove',
    );
    expect(alreadyDone('switchRevision', { ...base, revision: 'canary' })).toBe(
      'Already on canary',
    );
  });

  it("keeps the planner's words for a restart and for structured values", () => {
    const deployment = (at: string) => ({
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': at },
          },
        },
      },
    });
    const restart = {
      ...patchOf(deployment('a'), deployment('b')),
      kind: 'Deployment',
      summary: 'Restart Deployment reviews (2 pods replaced)',
    };
    expect(
      describePlan('restart', { cluster: 'dev', namespace: 'demo' }, [restart]),
    ).toBe('Restart Deployment reviews (2 pods replaced)');
    const sidecar = (hosts: string[]) => ({ spec: { egress: [{ hosts }] } });
    const egress = {
      ...patchOf(sidecar(['./*']), sidecar(['./*', 'istio-system/*'])),
      kind: 'Sidecar',
      summary:
        'Set the egress of Sidecar default in demo to ./*, istio-system/*',
    };
    expect(describeOperation(egress)).toBe(egress.summary);
  });

  it('joins the operations of a plan one sentence each', () => {
    const a = patchOf(
      namespace({}),
      namespace({ 'istio-injection': 'enabled' }),
    );
    const b = {
      ...a,
      verb: 'create' as const,
      kind: 'Sidecar',
      name: 'default',
      namespace: 'demo',
    };
    expect(
      describePlan('enroll', { cluster: 'dev', namespace: 'demo' }, [a, b]),
    ).toBe(
      'Set istio-injection to enabled (namespace demo). Create Sidecar default in demo',
    );
  });
});

describe('withoutOtherNamespaces', () => {
  const rollYaml = [
    'apiVersion: maistra.io/v1',
    'kind: ServiceMeshMemberRoll',
    'metadata:',
    '  name: default',
    '  namespace: istio-system',
    'spec:',
    '  members:',
    '    - payments',
    '    - billing',
    '    - demo',
    '',
  ].join('\n');
  const response: MeshActionResponse = {
    dryRun: true,
    applied: false,
    summary:
      'Add demo to members (ServiceMeshMemberRoll default in istio-system)',
    change: {
      operations: [
        {
          verb: 'patch' as const,
          apiVersion: 'maistra.io/v1',
          kind: 'ServiceMeshMemberRoll',
          namespace: 'istio-system',
          name: 'default',
          patch: [
            {
              op: 'test' as const,
              path: '/spec/members',
              value: ['payments', 'billing'],
            },
            { op: 'add' as const, path: '/spec/members/-', value: 'demo' },
          ],
          changes: [{ path: ['spec', 'members'], after: 'demo', item: true }],
          summary: 'Add demo to the members',
          resultYaml: rollYaml,
        },
      ],
    },
  };

  it("keeps the asker's namespaces in a member roll and counts the others", () => {
    const [operation] = withoutOtherNamespaces(response, ['demo']).change
      .operations;
    expect(operation.resultYaml).not.toMatch(/payments|billing/);
    expect(operation.resultYaml).toContain('- demo');
    expect(operation.resultYaml).toContain('and 2 other namespaces, not shown');
    expect(operation.otherNamespaces).toBe(2);
    expect(JSON.stringify(operation.patch)).not.toMatch(/payments|billing/);
    expect(operation.patch).toEqual([
      { op: 'add', path: '/spec/members/-', value: 'demo' },
    ]);
    expect(operation.changes).toEqual(response.change.operations[0].changes);
  });

  it('leaves other kinds and lists of only own namespaces as they are', () => {
    expect(
      withoutOtherNamespaces(response, ['demo', 'payments', 'billing']),
    ).toEqual(response);
    const label = { ...response.change.operations[0], kind: 'Namespace' };
    expect(
      withoutOtherNamespaces({ ...response, change: { operations: [label] } }, [
        'demo',
      ]).change.operations[0],
    ).toEqual(label);
  });
});
