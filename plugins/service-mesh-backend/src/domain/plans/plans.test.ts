import { applyPatch } from 'fast-json-patch';
import { parse } from 'yaml';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { buildMeshContext } from '../mesh';
import { istioScenario, namespace } from '../__fixtures__';
import {
  planEnroll,
  planRestart,
  planSetInjection,
  planSidecarEgress,
  planSwitchRevision,
  planUnenroll,
} from '.';
import type { PlanOutcome } from './outcome';

function ok<T extends object>(outcome: PlanOutcome<T>) {
  if (!outcome.ok) {
    throw new Error(
      `refused: ${outcome.refusal.code} ${outcome.refusal.message}`,
    );
  }
  return outcome;
}

function apply<T extends object>(object: T, operation: KubeOperation): T {
  return applyPatch(
    structuredClone(object),
    operation.patch as any,
    true,
    false,
  ).newDocument;
}

const base = { cluster: 'dev', namespace: 'demo' };

describe('planSwitchRevision', () => {
  it('sets istio.io/rev and removes istio-injection in one guarded patch', () => {
    const { snapshot } = istioScenario();
    const outcome = ok(
      planSwitchRevision(buildMeshContext(snapshot), {
        ...base,
        revision: 'canary',
      }),
    );
    const [operation] = outcome.change.operations;
    expect(operation).toMatchObject({
      verb: 'patch',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'demo',
      patch: [
        { op: 'test', path: '/metadata/resourceVersion', value: '77' },
        { op: 'add', path: '/metadata/labels/istio.io~1rev', value: 'canary' },
        { op: 'remove', path: '/metadata/labels/istio-injection' },
      ],
    });
    expect(parse(operation.resultYaml).metadata.labels).toEqual({
      'istio.io/rev': 'canary',
    });
    // Idempotent: once applied, the same request changes nothing.
    snapshot.namespaces[1] = apply(snapshot.namespaces[1], operation);
    expect(
      ok(
        planSwitchRevision(buildMeshContext(snapshot), {
          ...base,
          revision: 'canary',
        }),
      ).change.operations,
    ).toEqual([]);
  });

  it('accepts a tag', () => {
    const { snapshot } = istioScenario();
    const outcome = ok(
      planSwitchRevision(buildMeshContext(snapshot), {
        ...base,
        revision: 'prod-stable',
      }),
    );
    expect(outcome.change.operations[0].summary).toContain('prod-stable');
  });

  it('refuses a missing revision unless forced, and reports what was forced', () => {
    const { snapshot } = istioScenario();
    const context = buildMeshContext(snapshot);
    expect(
      planSwitchRevision(context, { ...base, revision: 'nope' }),
    ).toMatchObject({
      ok: false,
      refusal: {
        kind: 'conflict',
        code: 'SM-GUARD-UNKNOWN-REVISION',
        forceable: true,
      },
    });
    const forced = ok(
      planSwitchRevision(context, { ...base, revision: 'nope', force: true }),
    );
    expect(forced.forced.map(r => r.code)).toEqual([
      'SM-GUARD-UNKNOWN-REVISION',
    ]);
    expect(forced.change.operations).toHaveLength(1);
  });

  it('refuses while the target injector is not ready', () => {
    const { snapshot } = istioScenario();
    snapshot.workloads.find(w => w.metadata.name === 'istiod-canary')!.status =
      {
        readyReplicas: 0,
      };
    expect(
      planSwitchRevision(buildMeshContext(snapshot), {
        ...base,
        revision: 'canary',
      }),
    ).toMatchObject({
      ok: false,
      refusal: { code: 'SM-GUARD-INJECTOR-NOT-READY' },
    });
  });

  it('rejects bad input before looking at the cluster', () => {
    const { snapshot } = istioScenario();
    const context = buildMeshContext(snapshot);
    expect(
      planSwitchRevision(context, { ...base, revision: 'Bad Name!' }),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'SM-INPUT-REVISION' },
    });
    expect(
      planSwitchRevision(context, {
        ...base,
        namespace: 'Demo_NS',
        revision: 'canary',
      }),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'SM-INPUT-NAMESPACE' },
    });
    expect(
      planSwitchRevision(context, {
        ...base,
        namespace: 'absent',
        revision: 'canary',
      }),
    ).toMatchObject({
      ok: false,
      refusal: { code: 'SM-INPUT-NAMESPACE-NOT-FOUND' },
    });
  });
});

describe('guard rails on every action', () => {
  it.each([
    ['kube-system', {}, 'SM-GUARD-SYSTEM-NAMESPACE'],
    ['istio-system', {}, 'SM-GUARD-CONTROL-PLANE-NAMESPACE'],
    [
      'legacy',
      { 'maistra.io/ignore-namespace': 'true' },
      'SM-GUARD-IGNORED-NAMESPACE',
    ],
    [
      'old',
      { 'istio.openshift.com/ignore-namespace': '' },
      'SM-GUARD-IGNORED-NAMESPACE',
    ],
  ])('refuses %s outright', (name, labels, code) => {
    const { snapshot } = istioScenario();
    if (!snapshot.namespaces.some(n => n.metadata.name === name)) {
      snapshot.namespaces.push(namespace(name, labels));
    }
    const context = buildMeshContext(snapshot);
    const request = { cluster: 'dev', namespace: name, force: true };
    for (const outcome of [
      planEnroll(context, request),
      planUnenroll(context, request),
      planSetInjection(context, { ...request, injection: 'enabled' }),
      planSwitchRevision(context, { ...request, revision: 'canary' }),
      planRestart(context, request, new Date()),
      planSidecarEgress(context, request, { validateSchema: () => [] }),
    ]) {
      expect(outcome).toMatchObject({
        ok: false,
        refusal: { kind: 'notAllowed', code },
      });
    }
  });
});

describe('planEnroll / planUnenroll on Istio', () => {
  it('labels istio-injection=enabled, and is a no-op once enrolled', () => {
    const { snapshot } = istioScenario({});
    const context = buildMeshContext(snapshot);
    const [operation] = ok(planEnroll(context, base)).change.operations;
    expect(operation.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '77' },
      { op: 'add', path: '/metadata/labels/istio-injection', value: 'enabled' },
    ]);
    snapshot.namespaces[1] = apply(snapshot.namespaces[1], operation);
    expect(
      ok(planEnroll(buildMeshContext(snapshot), base)).change.operations,
    ).toEqual([]);
  });

  it('uses the requested revision label', () => {
    const { snapshot } = istioScenario({});
    const outcome = ok(
      planEnroll(buildMeshContext(snapshot), {
        ...base,
        revision: 'prod-stable',
      }),
    );
    expect(
      parse(outcome.change.operations[0].resultYaml).metadata.labels,
    ).toEqual({
      'istio.io/rev': 'prod-stable',
    });
  });

  it('rejects an unknown revision as bad input', () => {
    const { snapshot } = istioScenario({});
    expect(
      planEnroll(buildMeshContext(snapshot), { ...base, revision: 'nope' }),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'input' },
    });
  });

  it('removes both injection labels', () => {
    const { snapshot } = istioScenario({
      'istio-injection': 'enabled',
      'istio.io/rev': 'canary',
      team: 'a',
    });
    const [operation] = ok(planUnenroll(buildMeshContext(snapshot), base))
      .change.operations;
    expect(parse(operation.resultYaml).metadata.labels).toEqual({ team: 'a' });
  });
});

describe('planSetInjection', () => {
  it.each([
    ['enabled', { 'istio.io/rev': 'canary' }, { 'istio-injection': 'enabled' }],
    [
      'disabled',
      { 'istio-injection': 'enabled' },
      { 'istio-injection': 'disabled' },
    ],
    ['removed', { 'istio-injection': 'enabled', a: 'b' }, { a: 'b' }],
  ] as const)('%s', (injection, before, after) => {
    const { snapshot } = istioScenario(before);
    const [operation] = ok(
      planSetInjection(buildMeshContext(snapshot), { ...base, injection }),
    ).change.operations;
    expect(parse(operation.resultYaml).metadata.labels).toEqual(after);
  });

  it('annotates pod templates on OSSM 2', () => {
    const { snapshot } = istioScenario({
      'maistra.io/member-of': 'istio-system',
    });
    snapshot.workloads = snapshot.workloads.filter(
      w => !w.metadata.name.startsWith('istiod'),
    );
    snapshot.serviceMeshControlPlanes = [
      {
        apiVersion: 'maistra.io/v2',
        kind: 'ServiceMeshControlPlane',
        metadata: { name: 'basic', namespace: 'istio-system' },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
    ];
    const context = buildMeshContext(snapshot);
    const outcome = ok(
      planSetInjection(context, {
        ...base,
        injection: 'enabled',
        workloads: [{ kind: 'Deployment', name: 'httpbin' }],
      }),
    );
    const [operation] = outcome.change.operations;
    expect(operation).toMatchObject({ kind: 'Deployment', name: 'httpbin' });
    expect(operation.patch).toContainEqual({
      op: 'add',
      path: '/spec/template/metadata/annotations',
      value: { 'sidecar.istio.io/inject': 'true' },
    });
    expect(
      parse(operation.resultYaml).spec.template.metadata.annotations,
    ).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(
      planSetInjection(context, {
        ...base,
        injection: 'enabled',
        workloads: [{ kind: 'Deployment', name: 'ghost' }],
      }),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'SM-INPUT-WORKLOAD' },
    });
  });
});

describe('planRestart', () => {
  const now = new Date('2025-03-01T10:00:00Z');

  it('stamps restartedAt and lists the pods to be replaced', () => {
    const { snapshot } = istioScenario();
    const outcome = ok(
      planRestart(
        buildMeshContext(snapshot),
        { ...base, workloads: [{ kind: 'Deployment', name: 'httpbin' }] },
        now,
      ),
    );
    expect(outcome.podsToReplace).toEqual([
      { name: 'httpbin-a', workload: { kind: 'Deployment', name: 'httpbin' } },
    ]);
    const [operation] = outcome.change.operations;
    expect(
      parse(operation.resultYaml).spec.template.metadata.annotations,
    ).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2025-03-01T10:00:00.000Z',
    });
  });

  it('restarts every workload of the namespace by default', () => {
    const { snapshot } = istioScenario();
    const outcome = ok(planRestart(buildMeshContext(snapshot), base, now));
    expect(outcome.change.operations.map(o => o.name).sort()).toEqual([
      'helloworld-v1',
      'helloworld-v2',
      'httpbin',
      'sleep',
    ]);
    expect(outcome.podsToReplace).toHaveLength(4);
  });

  it('restarts each workload once per idempotency key', () => {
    const { snapshot } = istioScenario();
    const request = { ...base, idempotencyKey: 'click-1' };
    const first = ok(planRestart(buildMeshContext(snapshot), request, now));
    const restarted = first.change.operations.find(o => o.name === 'httpbin')!;
    expect(
      parse(restarted.resultYaml).spec.template.metadata.annotations,
    ).toMatchObject({ 'service-mesh.backstage.io/restart-key': 'click-1' });
    // httpbin's write applied; the others did not (say the cluster went away).
    const afterOne = {
      ...snapshot,
      workloads: snapshot.workloads.map(w =>
        w.metadata.name === 'httpbin' ? apply(w, restarted) : w,
      ),
    };
    const again = ok(
      planRestart(
        buildMeshContext(afterOne),
        request,
        new Date('2025-03-01T10:00:05Z'),
      ),
    );
    expect(again.change.operations.map(o => o.name).sort()).toEqual([
      'helloworld-v1',
      'helloworld-v2',
      'sleep',
    ]);
    expect(again.podsToReplace.map(p => p.workload?.name)).not.toContain(
      'httpbin',
    );
    // A new key is a new restart.
    const other = ok(
      planRestart(
        buildMeshContext(afterOne),
        { ...base, idempotencyKey: 'click-2' },
        now,
      ),
    );
    expect(other.change.operations).toHaveLength(4);
  });
});

describe('planSidecarEgress', () => {
  const noSchema = { validateSchema: () => [] };

  it('creates the default Sidecar with own-namespace and control-plane hosts', () => {
    const { snapshot } = istioScenario();
    const outcome = ok(planSidecarEgress(buildMeshContext(snapshot), base));
    const [operation] = outcome.change.operations;
    expect(operation).toMatchObject({
      verb: 'create',
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      namespace: 'demo',
      name: 'default',
    });
    expect(operation.object).toMatchObject({
      spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
    });
    expect(outcome.visibleServices).toEqual({
      before: 6,
      after: 4,
      disappearing: ['other/other-a', 'other/other-b'],
      appearing: [],
    });
  });

  it('updates an existing Sidecar with a guarded patch, and no-ops when equal', () => {
    const { snapshot } = istioScenario();
    snapshot.sidecars = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'demo', resourceVersion: '3' },
        spec: { egress: [{ hosts: ['./*'] }] },
      },
    ];
    const request = {
      ...base,
      hosts: [
        './*',
        'other/*',
        'istio-system/istiod.istio-system.svc.cluster.local',
      ],
    };
    const outcome = ok(
      planSidecarEgress(buildMeshContext(snapshot), request, noSchema),
    );
    expect(outcome.visibleServices).toEqual({
      before: 3,
      after: 6,
      disappearing: [],
      appearing: ['istio-system/istiod', 'other/other-a', 'other/other-b'],
    });
    const [operation] = outcome.change.operations;
    expect(operation.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '3' },
      {
        op: 'replace',
        path: '/spec/egress',
        value: [{ hosts: request.hosts }],
      },
    ]);
    snapshot.sidecars[0] = apply(snapshot.sidecars[0], operation);
    expect(
      ok(planSidecarEgress(buildMeshContext(snapshot), request, noSchema))
        .change.operations,
    ).toEqual([]);
  });

  it.each([
    [['istio-system']],
    [['*']],
    [['Bad_NS/*']],
    [['./not a host']],
    [['./*.']],
    [[]],
  ])('rejects egress hosts %j', hosts => {
    const { snapshot } = istioScenario();
    expect(
      planSidecarEgress(
        buildMeshContext(snapshot),
        { ...base, hosts },
        noSchema,
      ),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'SM-INPUT-EGRESS-HOSTS' },
    });
  });

  it('refuses a second selector-less Sidecar (IST0111)', () => {
    const { snapshot } = istioScenario();
    snapshot.sidecars = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'existing', namespace: 'demo' },
        spec: { egress: [{ hosts: ['./*'] }] },
      },
    ];
    expect(
      planSidecarEgress(buildMeshContext(snapshot), base, noSchema),
    ).toMatchObject({ ok: false, refusal: { code: 'IST0111' } });
    const scoped = ok(
      planSidecarEgress(
        buildMeshContext(snapshot),
        { ...base, name: 'httpbin', workloadSelector: { app: 'httpbin' } },
        noSchema,
      ),
    );
    expect(scoped.change.operations[0].object).toMatchObject({
      spec: { workloadSelector: { labels: { app: 'httpbin' } } },
    });
  });

  it('validates against the Istio Sidecar schema of @kubernetes-models/istio', () => {
    const { snapshot } = istioScenario();
    snapshot.sidecars = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'demo' },
        // An invalid field kept from the existing object fails the schema.
        spec: { outboundTrafficPolicy: { mode: 'SOMETIMES' } },
      },
    ];
    expect(planSidecarEgress(buildMeshContext(snapshot), base)).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'IST0106' },
    });
    snapshot.sidecars[0].spec = {
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    };
    expect(planSidecarEgress(buildMeshContext(snapshot), base).ok).toBe(true);
  });
});
