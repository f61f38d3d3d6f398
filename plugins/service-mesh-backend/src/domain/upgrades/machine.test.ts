import { applyOperation, createUpgradeState } from './machine';
import { planUpgrade } from './planner';
import type {
  Transition,
  UpgradeOperation,
  UpgradePhase,
  UpgradeState,
} from './types';
import { upstreamRequest, upstreamScenario } from './__fixtures__/scenarios';

const now = new Date('2025-03-01T10:00:00Z');
const context = { now, actor: 'user:default/guest' };

function planned(): UpgradeState {
  const { snapshot } = upstreamScenario();
  const request = upstreamRequest({
    canary: { namespaces: ['payments'] },
    moveTags: ['prod-stable'],
  });
  const outcome = planUpgrade(snapshot, request);
  if (!outcome.ok) {
    throw new Error(outcome.message);
  }
  return createUpgradeState('u1', request, outcome.plan, now).state;
}

/** An upgrade in each phase, as the runner and earlier operations leave it. */
function inPhase(phase: UpgradePhase): UpgradeState {
  const state = planned();
  const touched = state.namespaces.map(n =>
    n.namespace === 'payments'
      ? {
          ...n,
          status: 'done' as const,
          touched: true,
          restartStamp: now.toISOString(),
        }
      : n,
  );
  const started = { ...state, namespaces: touched };
  switch (phase) {
    case 'Planned':
      return state;
    case 'Running':
      return { ...started, phase };
    case 'WaitingForPromotion':
      return {
        ...started,
        phase,
        batches: started.batches.map(b =>
          b.index === 0 ? { ...b, status: 'passed' } : b,
        ),
      };
    case 'Paused':
      return {
        ...started,
        phase,
        resumePhase: 'Running',
        reason: 'Paused by a person',
      };
    case 'RollingBack':
      return {
        ...started,
        phase,
        rollback: {
          startedAt: now.toISOString(),
          batches: [{ index: 0, status: 'running', attempt: 1 }],
          namespaces: [
            {
              namespace: 'payments',
              batch: 0,
              status: 'migrating',
              attempt: 1,
              touched: true,
            },
          ],
        },
      };
    default:
      return { ...started, phase, reason: `it is ${phase}` };
  }
}

const operations: Record<string, UpgradeOperation> = {
  start: { type: 'start' },
  pause: { type: 'pause' },
  resume: { type: 'resume' },
  promote: { type: 'promote' },
  retry: { type: 'retry' },
  skip: {
    type: 'skip',
    namespace: 'payments',
    reason: 'owned by another team',
  },
  abort: { type: 'abort' },
  rollback: { type: 'rollback' },
};

/** The phase after each operation; `refused` is a 409; `same` changes nothing. */
// prettier-ignore
const table: Record<UpgradePhase, Record<string, string>> = {
  Planned:         { start: 'Running', pause: 'refused', resume: 'refused', promote: 'refused', retry: 'refused', skip: 'Planned', abort: 'Aborted', rollback: 'refused' },
  Running:         { start: 'same', pause: 'Paused', resume: 'same', promote: 'refused', retry: 'refused', skip: 'refused', abort: 'Aborted', rollback: 'RollingBack' },
  WaitingForPromotion: { start: 'same', pause: 'Paused', resume: 'refused', promote: 'Running', retry: 'refused', skip: 'refused', abort: 'Aborted', rollback: 'RollingBack' },
  Paused:          { start: 'same', pause: 'same', resume: 'Running', promote: 'refused', retry: 'refused', skip: 'refused', abort: 'Aborted', rollback: 'RollingBack' },
  Succeeded:       { start: 'refused', pause: 'refused', resume: 'refused', promote: 'refused', retry: 'refused', skip: 'refused', abort: 'refused', rollback: 'refused' },
  Aborted:         { start: 'refused', pause: 'refused', resume: 'refused', promote: 'refused', retry: 'refused', skip: 'refused', abort: 'same', rollback: 'RollingBack' },
  RollingBack:     { start: 'same', pause: 'Paused', resume: 'same', promote: 'refused', retry: 'refused', skip: 'RollingBack', abort: 'Aborted', rollback: 'same' },
  RolledBack:      { start: 'refused', pause: 'refused', resume: 'refused', promote: 'refused', retry: 'refused', skip: 'refused', abort: 'refused', rollback: 'refused' },
  Failed:          { start: 'refused', pause: 'refused', resume: 'refused', promote: 'refused', retry: 'Running', skip: 'refused', abort: 'refused', rollback: 'RollingBack' },
};

const cases = Object.entries(table).flatMap(([phase, row]) =>
  Object.entries(row).map(([operation, expected]) => [
    phase,
    operation,
    expected,
  ]),
);

function outcomeOf(result: Transition, before: UpgradeState): string {
  if (!result.ok) {
    return 'refused';
  }
  return result.state === before && result.events.length === 0
    ? 'same'
    : result.state.phase;
}

describe('applyOperation: every operation in every phase', () => {
  it.each(cases)('%s + %s → %s', (phase, operation, expected) => {
    const state = inPhase(phase as UpgradePhase);
    const result = applyOperation(state, operations[operation], context);
    const outcome = outcomeOf(result, state);
    expect(outcome).toBe(expected);
    // Refusals say why; changes are recorded with who asked.
    const explained = result.ok
      ? result.events.every(e => e.actor === 'user:default/guest')
      : /^SM-UPGRADE-/.test(result.code) && result.message.length > 0;
    expect(explained).toBe(true);
  });
});

describe('applyOperation details', () => {
  it('refuses to resume a Succeeded upgrade, saying why', () => {
    expect(
      applyOperation(inPhase('Succeeded'), { type: 'resume' }, context),
    ).toEqual({
      ok: false,
      code: 'SM-UPGRADE-OPERATION-REFUSED',
      message: 'Cannot resume an upgrade that is Succeeded (it is Succeeded)',
    });
  });

  it('refuses to start while a precheck blocks', () => {
    const state = planned();
    const blocked = {
      ...state,
      plan: {
        ...state.plan,
        blocked: true,
        prechecks: [
          {
            name: 'targetReady' as const,
            passed: false,
            forced: false,
            blocking: true,
            message: 'istiod of 1-24-3 is not Ready',
          },
        ],
      },
    };
    expect(applyOperation(blocked, { type: 'start' }, context)).toMatchObject({
      ok: false,
      code: 'SM-UPGRADE-PRECHECK',
      message:
        'Prechecks block the upgrade: targetReady: istiod of 1-24-3 is not Ready',
    });
  });

  it('after a failed gate, refuses resume, retries the batch with new restart steps', () => {
    const state = inPhase('Paused');
    const failed: UpgradeState = {
      ...state,
      batches: state.batches.map(b =>
        b.index === 1
          ? {
              ...b,
              status: 'failed',
              failure:
                'checkout/checkout-api: 2 of 3 pods not Ready after 120 s',
              startedAt: '2025-03-01T09:00:00.000Z',
            }
          : b,
      ),
      namespaces: state.namespaces.map(n =>
        n.namespace === 'checkout'
          ? {
              ...n,
              status: 'failed',
              touched: true,
              restartStamp: '2025-03-01T09:00:00.000Z',
            }
          : n,
      ),
    };
    expect(applyOperation(failed, { type: 'resume' }, context)).toMatchObject({
      ok: false,
      code: 'SM-UPGRADE-BATCH-FAILED',
    });
    const retried = applyOperation(failed, { type: 'retry' }, context);
    if (!retried.ok) {
      throw new Error(retried.message);
    }
    expect(retried.state.phase).toBe('Running');
    expect(retried.state.batches[1]).toMatchObject({
      status: 'running',
      attempt: 2,
      startedAt: now.toISOString(),
    });
    expect(
      retried.state.namespaces.find(n => n.namespace === 'checkout'),
    ).toMatchObject({
      status: 'migrating',
      attempt: 2,
      restartStamp: now.toISOString(),
    });
  });

  it('lets a skip of every failed namespace clear the way for resume', () => {
    const state = inPhase('Paused');
    const failed: UpgradeState = {
      ...state,
      batches: state.batches.map(b =>
        b.index === 1 ? { ...b, status: 'failed', failure: 'x' } : b,
      ),
      namespaces: state.namespaces.map(n =>
        n.namespace === 'checkout' ? { ...n, status: 'failed' } : n,
      ),
    };
    const skipped = applyOperation(
      failed,
      {
        type: 'skip',
        namespace: 'checkout',
        reason: 'its team fixes it later',
      },
      context,
    );
    if (!skipped.ok) {
      throw new Error(skipped.message);
    }
    expect(skipped.events[0]).toMatchObject({
      type: 'NamespaceSkipped',
      namespace: 'checkout',
      message: 'Skipped checkout: its team fixes it later',
    });
    expect(
      applyOperation(skipped.state, { type: 'resume' }, context),
    ).toMatchObject({ ok: true, state: { phase: 'Running' } });
  });

  it.each([
    ['checkout', ' ', 'SM-UPGRADE-SKIP-REASON'],
    ['nowhere', 'x', 'SM-UPGRADE-UNKNOWN-NAMESPACE'],
    ['payments', 'x', 'SM-UPGRADE-OPERATION-REFUSED'],
  ])('refuses to skip %s with reason %j: %s', (namespace, reason, code) => {
    expect(
      applyOperation(
        inPhase('Running'),
        { type: 'skip', namespace, reason },
        context,
      ),
    ).toMatchObject({ ok: false, code });
  });

  it('rolls back only the namespaces the upgrade touched, last batch first', () => {
    const state = inPhase('Running');
    const result = applyOperation(state, { type: 'rollback' }, context);
    expect(result).toMatchObject({
      ok: true,
      state: {
        phase: 'RollingBack',
        rollback: {
          batches: [{ index: 0, status: 'pending' }],
          namespaces: [
            {
              namespace: 'payments',
              batch: 0,
              status: 'pending',
              touched: true,
            },
          ],
        },
      },
    });
  });

  it('refuses an unknown operation', () => {
    expect(
      applyOperation(planned(), { type: 'explode' } as any, context),
    ).toMatchObject({
      ok: false,
      code: 'SM-UPGRADE-UNKNOWN-OPERATION',
    });
  });
});
