import { parse } from 'yaml';
import { deployment, namespace, podOf } from '../__fixtures__';
import { chunk, planBatches, planUpgrade, UpgradePlanOutcome } from './planner';
import type { NamespaceMoveDraft } from './flavours';
import type { UpgradeRequest } from './types';
import { upstreamRequest, upstreamScenario } from './__fixtures__/scenarios';

function ok(outcome: UpgradePlanOutcome) {
  if (!outcome.ok) {
    throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  }
  return outcome.plan;
}

function move(
  name: string,
  extra: Partial<NamespaceMoveDraft> = {},
): NamespaceMoveDraft {
  return {
    namespace: name,
    canary: false,
    move: 'relabel',
    previousLabels: {},
    targetLabels: {},
    ...extra,
  };
}

describe('batching', () => {
  it('chunks by batch size, the last chunk shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });

  it('puts the canary first and alone, then relabels, then each tag before its followers', () => {
    const { batches } = planBatches(
      [
        move('a'),
        move('b', { move: 'followsTag', tag: 'prod-stable' }),
        move('c', { canary: true }),
        move('d'),
        move('e'),
        move('f', { move: 'followsTag', tag: 'prod-stable' }),
        move('g', { move: 'followsTag', tag: 'default' }),
      ],
      ['prod-stable', 'default'],
      2,
    );
    expect(batches).toEqual([
      { index: 0, canary: true, namespaces: ['c'], tagMovesBefore: [] },
      { index: 1, canary: false, namespaces: ['a', 'd'], tagMovesBefore: [] },
      { index: 2, canary: false, namespaces: ['e'], tagMovesBefore: [] },
      {
        index: 3,
        canary: false,
        namespaces: ['b', 'f'],
        tagMovesBefore: ['prod-stable'],
      },
      {
        index: 4,
        canary: false,
        namespaces: ['g'],
        tagMovesBefore: ['default'],
      },
    ]);
  });

  it('makes no canary batch when none is chosen', () => {
    const { batches } = planBatches([move('a'), move('b')], [], 10);
    expect(batches).toEqual([
      { index: 0, canary: false, namespaces: ['a', 'b'], tagMovesBefore: [] },
    ]);
  });
});

describe('planUpgrade on upstream Istio', () => {
  it('relabels the canary, follows moved tags, and keeps the pinned namespace', () => {
    const { snapshot } = upstreamScenario();
    const plan = ok(
      planUpgrade(
        snapshot,
        upstreamRequest({
          canary: { namespaces: ['payments'] },
          moveTags: ['prod-stable', 'default'],
          batchSize: 1,
        }),
      ),
    );
    expect(plan.blocked).toBe(false);
    expect(plan.batches.map(b => [b.namespaces, b.tagMovesBefore])).toEqual([
      [['payments'], []],
      [['checkout'], ['prod-stable']],
      [['shop'], ['default']],
      [['web'], []],
    ]);
    const payments = plan.namespaces.find(n => n.namespace === 'payments')!;
    expect(payments).toMatchObject({
      move: 'relabel',
      previousLabels: { 'istio.io/rev': 'prod-stable' },
      targetLabels: { 'istio.io/rev': '1-24-3' },
      restarts: [
        {
          workload: { kind: 'Deployment', name: 'ledger' },
          pods: ['ledger-old0'],
        },
      ],
    });
    expect(payments.labelChange?.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '14' },
      {
        op: 'replace',
        path: '/metadata/labels/istio.io~1rev',
        value: '1-24-3',
      },
    ]);
    const checkout = plan.namespaces.find(n => n.namespace === 'checkout')!;
    expect(checkout).toMatchObject({ move: 'followsTag', tag: 'prod-stable' });
    expect(checkout.labelChange).toBeUndefined();
    expect(checkout.restarts[0].pods).toHaveLength(3);
    expect(plan.staying).toEqual([
      expect.objectContaining({ namespace: 'legacy', reason: 'pinnedByName' }),
    ]);
  });

  it('moves a tag by repointing its webhooks, guarded by tests', () => {
    const { snapshot } = upstreamScenario();
    const plan = ok(
      planUpgrade(snapshot, upstreamRequest({ moveTags: ['prod-stable'] })),
    );
    const [tagMove] = plan.tagMoves;
    expect(tagMove).toMatchObject({
      tag: 'prod-stable',
      fromRevision: '1-23-1',
      toRevision: '1-24-3',
      automatic: false,
      beforeBatch: 0,
    });
    expect(tagMove.operation!.patch).toContainEqual({
      op: 'test',
      path: '/webhooks/0/clientConfig/service/name',
      value: 'istiod-1-23-1',
    });
    const result = parse(tagMove.operation!.resultYaml);
    expect(result.metadata.labels['istio.io/rev']).toBe('1-24-3');
    expect(
      result.webhooks.map((w: any) => w.clientConfig.service.name),
    ).toEqual(['istiod-1-24-3', 'istiod-1-24-3']);
  });

  it('keeps istio-injection namespaces on the default tag when it is not moved', () => {
    const { snapshot } = upstreamScenario();
    const plan = ok(planUpgrade(snapshot, upstreamRequest()));
    expect(plan.namespaces).toEqual([]);
    expect(plan.staying.map(s => [s.namespace, s.reason])).toEqual([
      ['checkout', 'tagNotMoved'],
      ['legacy', 'pinnedByName'],
      ['payments', 'tagNotMoved'],
      ['shop', 'defaultNotMoved'],
      ['web', 'defaultNotMoved'],
    ]);
  });

  it('relabels istio-injection namespaces of a default revision without tag, removing istio-injection', () => {
    const { snapshot } = upstreamScenario();
    snapshot.mutatingWebhookConfigurations =
      snapshot.mutatingWebhookConfigurations.filter(
        c => c.metadata.name !== 'istio-revision-tag-default',
      );
    // Without the default tag, the default revision is the one named `default`.
    snapshot.workloads = snapshot.workloads.map(w =>
      w.metadata.name === 'istiod-1-23-1'
        ? {
            ...w,
            metadata: {
              ...w.metadata,
              name: 'istiod',
              labels: { app: 'istiod', 'istio.io/rev': 'default' },
            },
          }
        : w,
    );
    const request = { ...upstreamRequest(), fromRevision: 'default' };
    const plan = ok(planUpgrade(snapshot, request));
    const web = plan.namespaces.find(n => n.namespace === 'web')!;
    expect(web.labelChange!.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '11' },
      { op: 'add', path: '/metadata/labels/istio.io~1rev', value: '1-24-3' },
      { op: 'remove', path: '/metadata/labels/istio-injection' },
    ]);
  });

  it('moves namespaces pinned by name only when asked', () => {
    const { snapshot } = upstreamScenario();
    const plan = ok(
      planUpgrade(snapshot, upstreamRequest({ movePinnedNamespaces: true })),
    );
    expect(plan.namespaces.find(n => n.namespace === 'legacy')).toMatchObject({
      move: 'relabel',
      targetLabels: { 'istio.io/rev': '1-24-3' },
    });
  });

  it('takes the canary from a canary tag, moved before the canary batch', () => {
    const { snapshot } = upstreamScenario();
    const plan = ok(
      planUpgrade(
        snapshot,
        upstreamRequest({ canary: { tag: 'prod-stable' } }),
      ),
    );
    expect(plan.batches[0]).toEqual({
      index: 0,
      canary: true,
      namespaces: ['checkout', 'payments'],
      tagMovesBefore: ['prod-stable'],
    });
    expect(plan.tagMoves[0]).toMatchObject({
      tag: 'prod-stable',
      beforeBatch: 0,
    });
  });

  it('lists opted-out workloads apart and does not restart them', () => {
    const { snapshot } = upstreamScenario();
    const ledger = snapshot.workloads.find(w => w.metadata.name === 'ledger')!;
    ledger.spec.template.metadata!.annotations = {
      'sidecar.istio.io/inject': 'false',
    };
    const plan = ok(
      planUpgrade(snapshot, upstreamRequest({ moveTags: ['prod-stable'] })),
    );
    expect(plan.namespaces.find(n => n.namespace === 'payments')).toMatchObject(
      {
        restarts: [],
        optedOut: [{ kind: 'Deployment', name: 'ledger' }],
      },
    );
  });

  it('explains pods left on the old revision in namespaces no longer selecting it', () => {
    const { snapshot, workloads } = upstreamScenario();
    snapshot.namespaces.push(namespace('stray'));
    snapshot.pods.push(
      podOf(
        {
          ...workloads[0],
          metadata: { ...workloads[0].metadata, namespace: 'stray' },
        },
        'x',
        {
          proxy: { revision: '1-23-1', version: '1.23.1' },
        },
      ),
    );
    const plan = ok(planUpgrade(snapshot, upstreamRequest()));
    expect(plan.staying).toContainEqual(
      expect.objectContaining({ namespace: 'stray', reason: 'notInPlan' }),
    );
  });

  it('names workloads pinned by their own istio.io/rev label', () => {
    const { snapshot } = upstreamScenario();
    const pinned = deployment('batch', 'tools', {
      labels: { app: 'batch', 'istio.io/rev': '1-23-1' },
    });
    snapshot.workloads.push(pinned);
    snapshot.pods.push(
      podOf(pinned, 'a', { proxy: { revision: '1-23-1', version: '1.23.1' } }),
    );
    const plan = ok(planUpgrade(snapshot, upstreamRequest()));
    expect(plan.staying).toContainEqual({
      namespace: 'tools',
      workload: { kind: 'Deployment', name: 'batch' },
      reason: 'workloadPinned',
      message:
        'tools/batch selects 1-23-1 with its own istio.io/rev label; change the label to move it',
    });
  });

  it.each([
    [{ batchSize: 0 }, 'SM-UPGRADE-BATCH-SIZE'],
    [{ batchSize: 10000 }, 'SM-UPGRADE-BATCH-SIZE'],
    [{ batchSize: 1.5 }, 'SM-UPGRADE-BATCH-SIZE'],
    [{ parallelism: 0 }, 'SM-UPGRADE-PARALLELISM'],
    [{ readinessDeadlineSeconds: 0 }, 'SM-UPGRADE-DEADLINE'],
    [{ moveTags: ['nope'] }, 'SM-UPGRADE-UNKNOWN-TAG'],
    [{ canary: { namespaces: ['absent'] } }, 'SM-UPGRADE-CANARY-NAMESPACE'],
    [
      { canary: { namespaces: ['tools'] } },
      'SM-UPGRADE-CANARY-NOT-ON-REVISION',
    ],
  ])('refuses options %j with %s', (options, code) => {
    const { snapshot } = upstreamScenario();
    expect(planUpgrade(snapshot, upstreamRequest(options))).toMatchObject({
      ok: false,
      kind: 'input',
      code,
    });
  });

  it.each([
    [
      { target: { type: 'revision', revision: '1-99-0' } },
      'SM-UPGRADE-UNKNOWN-REVISION',
    ],
    [
      { target: { type: 'revision', revision: '1-23-1' } },
      'SM-UPGRADE-SAME-REVISION',
    ],
    [
      { target: { type: 'version', version: '1.25.0' } },
      'SM-UPGRADE-TARGET-TYPE',
    ],
    [{ fromRevision: '1.23.1' }, 'SM-UPGRADE-UNKNOWN-REVISION'],
    [
      { controlPlane: { namespace: 'elsewhere' } },
      'SM-UPGRADE-NO-CONTROL-PLANE',
    ],
  ] as const)('refuses request %j with %s', (change, code) => {
    const { snapshot } = upstreamScenario();
    expect(
      planUpgrade(snapshot, {
        ...upstreamRequest(),
        ...change,
      } as UpgradeRequest),
    ).toMatchObject({ ok: false, code });
  });
});
