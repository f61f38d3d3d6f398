import type {
  MeshNamespaceOverview,
  MeshOverview,
  UpgradeBatch,
  UpgradeDetails,
  UpgradeHistoryEvent,
  UpgradePlanResponse,
} from '@mesh-backstage/plugin-service-mesh-common';

export const UPGRADE_ID = '0f8e4b1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
const CLUSTER = 'demo-istio-revisions';

export function namespaceRow(
  name: string,
  revision: string,
  extra: Partial<MeshNamespaceOverview> = {},
): MeshNamespaceOverview {
  return {
    name,
    controlPlane: { namespace: 'istio-system' },
    member: true,
    injection: {
      mode: 'unset',
      revisionLabel: revision,
      effectiveRevision: revision,
      perWorkload: false,
    },
    workloads: 1,
    pods: 2,
    podsWithoutSidecar: 0,
    proxies: [{ revision, version: revision.replace(/-/g, '.'), pods: 2 }],
    workloadsToRestart: 0,
    warnings: [],
    entityRefs: [],
    ...extra,
  };
}

/** The istio-revisions demo cluster, plus `extra` generated namespaces on 1-23-1. */
export function meshOverview(extra = 0): MeshOverview {
  return {
    clusters: [
      {
        name: CLUSTER,
        reachable: true,
        synced: true,
        stale: false,
        controlPlanes: [
          {
            flavour: 'istio',
            namespace: 'istio-system',
            revisions: [
              {
                name: '1-23-1',
                version: '1.23.1',
                ready: true,
                injectorReady: true,
                isDefault: true,
              },
              {
                name: '1-24-3',
                version: '1.24.3',
                ready: true,
                injectorReady: true,
              },
            ],
            tags: [
              { name: 'default', revision: '1-23-1' },
              { name: 'prod-stable', revision: '1-23-1' },
              { name: 'prod-canary', revision: '1-24-3' },
            ],
          },
        ],
        namespaces: [
          namespaceRow('catalog', '1-23-1', {
            injection: {
              mode: 'unset',
              revisionLabel: 'prod-stable',
              effectiveRevision: '1-23-1',
              effectiveTag: 'prod-stable',
              perWorkload: false,
            },
            entityRefs: ['component:default/catalog-service'],
          }),
          namespaceRow('checkout', '1-24-3', {
            entityRefs: ['component:default/checkout-service'],
            workloadsToRestart: 1,
          }),
          namespaceRow('search', '1-23-1', {
            warnings: [
              {
                code: 'IST0123',
                severity: 'warning',
                message: 'Both istio-injection and istio.io/rev are set',
                namespace: 'search',
              },
            ],
          }),
          ...Array.from({ length: extra }, (_, i) =>
            namespaceRow(`scale-${String(i).padStart(3, '0')}`, '1-23-1'),
          ),
        ],
      },
    ],
  };
}

function batch(
  index: number,
  status: UpgradeBatch['status'],
  namespaces: Array<[string, UpgradeBatch['namespaces'][number]['status']]>,
  extra: Partial<UpgradeBatch> = {},
): UpgradeBatch {
  return {
    index,
    canary: index === 0,
    status,
    attempt: 1,
    tagMovesBefore: [],
    namespaces: namespaces.map(([namespace, s]) => ({
      namespace,
      status: s,
      attempt: 1,
      touched: s !== 'pending',
    })),
    ...extra,
  };
}

export function plan(blocked = false): UpgradePlanResponse['plan'] {
  return {
    flavour: 'istio',
    cluster: CLUSTER,
    controlPlane: { namespace: 'istio-system' },
    fromRevision: '1-23-1',
    targetRevision: '1-24-3',
    prechecks: [
      {
        name: 'targetReady',
        passed: !blocked,
        forced: false,
        blocking: blocked,
        message: blocked
          ? 'istiod-1-24-3 is not Ready (0 of 1 replicas)'
          : 'istiod-1-24-3 and its injector are Ready',
      },
      {
        name: 'conflictingLabels',
        passed: true,
        forced: false,
        blocking: false,
        message: 'No namespace has both injection labels',
      },
    ],
    blocked,
    controlPlaneSteps: [],
    batches: [
      { index: 0, canary: true, namespaces: ['catalog'], tagMovesBefore: [] },
      { index: 1, canary: false, namespaces: ['search'], tagMovesBefore: [] },
    ],
    namespaces: [
      {
        namespace: 'catalog',
        batch: 0,
        move: 'relabel',
        previousLabels: { 'istio.io/rev': 'prod-stable' },
        targetLabels: { 'istio.io/rev': '1-24-3' },
        restarts: [
          {
            workload: { kind: 'Deployment', name: 'catalog-api' },
            pods: ['catalog-api-1', 'catalog-api-2'],
          },
        ],
        optedOut: [],
      },
      {
        namespace: 'search',
        batch: 1,
        move: 'relabel',
        previousLabels: { 'istio-injection': 'enabled' },
        targetLabels: { 'istio.io/rev': '1-24-3' },
        restarts: [
          {
            workload: { kind: 'Deployment', name: 'search-indexer' },
            pods: ['search-indexer-1'],
          },
        ],
        optedOut: [],
      },
    ],
    tagMoves: [
      {
        tag: 'prod-stable',
        fromRevision: '1-23-1',
        toRevision: '1-24-3',
        automatic: false,
      },
    ],
    staying: [],
  };
}

export type UpgradeScenario =
  | 'running'
  | 'waitingForPromotion'
  | 'pausedOnGate'
  | 'rolledBack'
  | 'succeeded';

/** One upgrade of catalog (canary) then search and checkout, in a given state. */
export function upgrade(
  scenario: UpgradeScenario,
  version = 5,
): UpgradeDetails {
  const at = '2026-12-02T06:00:00.000Z';
  const batches: Record<UpgradeScenario, UpgradeBatch[]> = {
    running: [
      batch(0, 'passed', [['catalog', 'done']], { finishedAt: at }),
      batch(1, 'running', [
        ['search', 'waitingForGate'],
        ['checkout', 'migrating'],
      ]),
      batch(2, 'pending', [['payments', 'pending']]),
    ],
    waitingForPromotion: [
      batch(0, 'passed', [['catalog', 'done']], { finishedAt: at }),
      batch(1, 'pending', [
        ['search', 'pending'],
        ['checkout', 'pending'],
      ]),
      batch(2, 'pending', [['payments', 'pending']]),
    ],
    pausedOnGate: [
      batch(0, 'passed', [['catalog', 'done']], { finishedAt: at }),
      {
        ...batch(1, 'failed', [
          ['search', 'done'],
          ['checkout', 'failed'],
        ]),
        failure:
          'checkout/checkout-api: 2 of 3 pods not Ready after 120 s (CrashLoopBackOff) - pods checkout-api-7d9f-b, checkout-api-7d9f-c',
        namespaces: [
          { namespace: 'search', status: 'done', attempt: 1, touched: true },
          {
            namespace: 'checkout',
            status: 'failed',
            attempt: 1,
            touched: true,
            reason:
              'checkout/checkout-api: 2 of 3 pods not Ready after 120 s (CrashLoopBackOff) - pods checkout-api-7d9f-b, checkout-api-7d9f-c',
            failedPods: {
              names: ['checkout-api-7d9f-b', 'checkout-api-7d9f-c'],
              total: 2,
            },
          },
        ],
      },
      batch(2, 'pending', [['payments', 'pending']]),
    ],
    rolledBack: [
      batch(0, 'passed', [['catalog', 'done']], { finishedAt: at }),
      batch(1, 'passed', [
        ['search', 'done'],
        ['checkout', 'done'],
      ]),
    ],
    succeeded: [
      batch(0, 'passed', [['catalog', 'done']], { finishedAt: at }),
      batch(
        1,
        'passed',
        [
          ['search', 'done'],
          ['checkout', 'done'],
        ],
        { finishedAt: at },
      ),
      batch(2, 'passed', [['payments', 'done']], { finishedAt: at }),
    ],
  };
  const phases: Record<UpgradeScenario, UpgradeDetails['phase']> = {
    running: 'Running',
    waitingForPromotion: 'WaitingForPromotion',
    pausedOnGate: 'Paused',
    rolledBack: 'RolledBack',
    succeeded: 'Succeeded',
  };
  const reasons: Partial<Record<UpgradeScenario, string>> = {
    pausedOnGate:
      'Batch 2 failed its gate: checkout/checkout-api: 2 of 3 pods not Ready after 120 s (CrashLoopBackOff) - pods checkout-api-7d9f-b, checkout-api-7d9f-c',
    succeeded: '1-23-1 is unused: safe to remove',
  };
  const all = batches[scenario];
  const ended = scenario === 'rolledBack' || scenario === 'succeeded';
  return {
    id: UPGRADE_ID,
    cluster: CLUSTER,
    controlPlane: { namespace: 'istio-system' },
    flavour: 'istio',
    fromRevision: '1-23-1',
    targetRevision: '1-24-3',
    phase: phases[scenario],
    reason: reasons[scenario],
    createdBy: 'user:default/guest',
    createdAt: at,
    updatedAt: at,
    finishedAt: ended ? at : undefined,
    version,
    progress: {
      batches: all.length,
      batchesPassed: all.filter(b => b.status === 'passed').length,
      namespaces: {},
    },
    request: {
      cluster: CLUSTER,
      controlPlane: { namespace: 'istio-system' },
      fromRevision: '1-23-1',
      target: { type: 'revision', revision: '1-24-3' },
    },
    plan: plan(),
    promoted: scenario !== 'waitingForPromotion',
    batches: scenario === 'rolledBack' ? batches.succeeded : all,
    rollback:
      scenario === 'rolledBack'
        ? { startedAt: at, batches: batches.rolledBack }
        : undefined,
    pods:
      scenario === 'succeeded'
        ? [{ revision: '1-24-3', pods: 8 }]
        : [
            { revision: '1-23-1', pods: 5 },
            { revision: '1-24-3', pods: 3 },
          ],
  };
}

export function events(count = 3): UpgradeHistoryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    at: `2026-12-02T06:0${i}:00.000Z`,
    actor: i === 0 ? 'user:default/guest' : 'service-mesh:upgrade-runner',
    type: i === 0 ? 'Started' : 'BatchStarted',
    message: i === 0 ? 'Upgrade started' : `Batch ${i} started`,
  }));
}
