import { ACTIVE_UPGRADE_PHASES } from '@mesh-backstage/plugin-service-mesh-common';
import type {
  BatchState,
  NamespaceState,
  Refused,
  ResumablePhase,
  Transition,
  UpgradeEvent,
  UpgradeEventType,
  UpgradeOperation,
  UpgradePhase,
  UpgradePlan,
  UpgradeRequest,
  UpgradeState,
} from './types';

/*
 * The operations people apply to an upgrade, as pure transitions. Repeating
 * an operation that already holds (pausing a paused upgrade) changes
 * nothing and is not refused; an operation that means nothing in the state
 * (resuming a Succeeded upgrade) is refused with a reason, which the
 * service maps to 409.
 */

export const TERMINAL_PHASES: readonly UpgradePhase[] = [
  'Succeeded',
  'RolledBack',
];

/** Phases in which an upgrade holds its control plane (one list, in -common). */
export const ACTIVE_PHASES: readonly UpgradePhase[] = ACTIVE_UPGRADE_PHASES;

export interface OperationContext {
  now: Date;
  /** User entity ref, recorded on the events. */
  actor?: string;
}

/** A new upgrade in phase Planned, one state per batch and namespace of the plan. */
export function createUpgradeState(
  id: string,
  request: UpgradeRequest,
  plan: UpgradePlan,
  now: Date,
): { state: UpgradeState; events: UpgradeEvent[] } {
  const at = now.toISOString();
  const state: UpgradeState = {
    id,
    request,
    plan,
    phase: 'Planned',
    promoted: false,
    batches: plan.batches.map(b => ({
      index: b.index,
      status: 'pending',
      attempt: 1,
    })),
    namespaces: plan.namespaces.map(n => ({
      namespace: n.namespace,
      batch: n.batch,
      status: 'pending',
      attempt: 1,
      touched: false,
    })),
    completedSteps: [],
    createdAt: at,
    updatedAt: at,
  };
  const target = plan.targetVersion
    ? `${plan.targetRevision} (${plan.targetVersion})`
    : plan.targetRevision;
  return {
    state,
    events: [
      {
        at,
        type: 'Created',
        message: `Upgrade of ${plan.controlPlane.namespace} from ${plan.fromRevision} to ${target}: ${plan.namespaces.length} namespaces in ${plan.batches.length} batches`,
      },
    ],
  };
}

export function refuse(code: string, message: string): Refused {
  return { ok: false, code, message };
}

export function event(
  context: OperationContext,
  type: UpgradeEventType,
  message: string,
  extra: Partial<UpgradeEvent> = {},
): UpgradeEvent {
  return {
    at: context.now.toISOString(),
    type,
    message,
    ...(context.actor ? { actor: context.actor } : {}),
    ...extra,
  };
}

export function changed(
  state: UpgradeState,
  changes: Partial<UpgradeState>,
  context: OperationContext,
  events: UpgradeEvent[],
): Transition {
  return {
    ok: true,
    state: { ...state, ...changes, updatedAt: context.now.toISOString() },
    events,
  };
}

function unchanged(state: UpgradeState): Transition {
  return { ok: true, state, events: [] };
}

/** The namespaces and batches being worked on: the rollback's while rolling back. */
export function currentTrack(state: UpgradeState): {
  batches: BatchState[];
  namespaces: NamespaceState[];
} {
  return state.rollback ?? state;
}

/** A failed batch that still has failed namespaces (skipping them all clears it). */
function failedBatch(state: UpgradeState): BatchState | undefined {
  const track = currentTrack(state);
  return track.batches.find(
    b =>
      b.status === 'failed' &&
      track.namespaces.some(n => n.batch === b.index && n.status === 'failed'),
  );
}

/** Moves the namespaces a rollback restores into a track of their own, last batch first. */
function rollbackTrack(state: UpgradeState, at: string) {
  const touched = state.namespaces.filter(n => n.touched);
  const original = [...new Set(touched.map(n => n.batch))].sort(
    (a, b) => b - a,
  );
  return {
    startedAt: at,
    batches: original.map((_, index) => ({
      index,
      status: 'pending' as const,
      attempt: 1,
    })),
    namespaces: touched.map(n => ({
      namespace: n.namespace,
      batch: original.indexOf(n.batch),
      status: 'pending' as const,
      attempt: 1,
      touched: true,
    })),
  };
}

function resumePhaseOf(state: UpgradeState): ResumablePhase {
  if (state.phase === 'Paused') {
    return state.resumePhase ?? 'Running';
  }
  return state.phase as ResumablePhase;
}

/** Applies one operation; refused ones leave the state as it was. */
export function applyOperation(
  state: UpgradeState,
  operation: UpgradeOperation,
  context: OperationContext,
): Transition {
  const { phase } = state;
  const terminal = TERMINAL_PHASES.includes(phase);
  const finished = terminal || phase === 'Aborted' || phase === 'Failed';
  const notIn = (what: string) =>
    refuse(
      'SM-UPGRADE-OPERATION-REFUSED',
      `Cannot ${what} an upgrade that is ${phase}${
        state.reason ? ` (${state.reason})` : ''
      }`,
    );
  switch (operation.type) {
    case 'start':
      if (phase !== 'Planned') {
        return finished ? notIn('start') : unchanged(state);
      }
      if (state.plan.blocked) {
        const blocking = state.plan.prechecks.filter(p => p.blocking);
        return refuse(
          'SM-UPGRADE-PRECHECK',
          `Prechecks block the upgrade: ${blocking
            .map(p => `${p.name}: ${p.message}`)
            .join('; ')}`,
        );
      }
      return changed(state, { phase: 'Running' }, context, [
        event(context, 'Started', 'Upgrade started'),
      ]);

    case 'pause':
      if (phase === 'Paused') {
        return unchanged(state);
      }
      if (!['Running', 'WaitingForPromotion', 'RollingBack'].includes(phase)) {
        return notIn('pause');
      }
      return changed(
        state,
        {
          phase: 'Paused',
          resumePhase: phase as ResumablePhase,
          reason: operation.reason ?? 'Paused by a person',
        },
        context,
        [event(context, 'Paused', operation.reason ?? 'Paused')],
      );

    case 'resume': {
      if (['Running', 'RollingBack'].includes(phase)) {
        return unchanged(state);
      }
      if (phase !== 'Paused') {
        return phase === 'WaitingForPromotion'
          ? refuse(
              'SM-UPGRADE-OPERATION-REFUSED',
              'The upgrade waits for promotion after its canary batch: promote it to continue',
            )
          : notIn('resume');
      }
      const failed = failedBatch(state);
      if (failed) {
        return refuse(
          'SM-UPGRADE-BATCH-FAILED',
          `Batch ${failed.index + 1} failed its gate (${
            failed.failure
          }): retry it, or skip its failed namespaces, first`,
        );
      }
      // The readiness deadline counts time running, not time paused.
      const track = currentTrack(state);
      const batches = track.batches.map(b =>
        b.status === 'running'
          ? { ...b, startedAt: context.now.toISOString() }
          : b,
      );
      return changed(
        state,
        {
          ...withTrack(state, batches, track.namespaces),
          phase: resumePhaseOf(state),
          resumePhase: undefined,
          reason: undefined,
        },
        context,
        [event(context, 'Resumed', 'Resumed')],
      );
    }

    case 'promote':
      if (phase === 'WaitingForPromotion') {
        return changed(state, { phase: 'Running', promoted: true }, context, [
          event(
            context,
            'Promoted',
            'Canary promoted: the remaining batches run',
          ),
        ]);
      }
      if (state.promoted && !finished) {
        return unchanged(state);
      }
      return refuse(
        'SM-UPGRADE-OPERATION-REFUSED',
        `Only an upgrade waiting for promotion can be promoted; this one is ${phase}`,
      );

    case 'retry': {
      const failed = failedBatch(state);
      if (!failed && phase === 'Failed') {
        return changed(
          state,
          {
            phase: state.rollback ? 'RollingBack' : 'Running',
            reason: undefined,
          },
          context,
          [event(context, 'Retried', 'Retrying the failed step')],
        );
      }
      if (!failed || terminal || phase === 'Aborted') {
        return refuse(
          'SM-UPGRADE-OPERATION-REFUSED',
          `No failed batch to retry: the upgrade is ${phase}`,
        );
      }
      return retryBatch(state, failed, context);
    }

    case 'skip':
      return skipNamespace(
        state,
        operation.namespace,
        operation.reason,
        context,
      );

    case 'abort':
      if (phase === 'Aborted') {
        return unchanged(state);
      }
      if (finished) {
        return notIn('abort');
      }
      return changed(
        state,
        {
          phase: 'Aborted',
          reason: operation.reason ?? 'Aborted by a person',
          resumePhase: undefined,
          finishedAt: context.now.toISOString(),
        },
        context,
        [
          event(
            context,
            'Aborted',
            `Aborted: every namespace stays as it stands${
              operation.reason ? ` (${operation.reason})` : ''
            }`,
          ),
        ],
      );

    case 'rollback':
      if (phase === 'RollingBack' || (phase === 'Paused' && state.rollback)) {
        return unchanged(state);
      }
      if (terminal || phase === 'Planned') {
        return phase === 'Planned'
          ? refuse(
              'SM-UPGRADE-OPERATION-REFUSED',
              'The upgrade has not started: there is nothing to roll back',
            )
          : notIn('roll back');
      }
      return changed(
        state,
        {
          phase: 'RollingBack',
          reason: operation.reason,
          resumePhase: undefined,
          finishedAt: undefined,
          rollback: rollbackTrack(state, context.now.toISOString()),
        },
        context,
        [
          event(
            context,
            'RollbackStarted',
            `Rolling back ${
              state.namespaces.filter(n => n.touched).length
            } namespaces to ${state.plan.fromRevision}`,
          ),
        ],
      );
    default:
      return refuse(
        'SM-UPGRADE-UNKNOWN-OPERATION',
        `Unknown operation ${(operation as { type: string }).type}`,
      );
  }
}

function replaceIn<T extends { namespace?: string; index?: number }>(
  list: T[],
  match: (item: T) => boolean,
  update: (item: T) => T,
): T[] {
  return list.map(item => (match(item) ? update(item) : item));
}

function withTrack(
  state: UpgradeState,
  batches: BatchState[],
  namespaces: NamespaceState[],
): Partial<UpgradeState> {
  return state.rollback
    ? { rollback: { ...state.rollback, batches, namespaces } }
    : { batches, namespaces };
}

/** A failed batch runs again: its deadline restarts, and its failed namespaces get new restart steps. */
function retryBatch(
  state: UpgradeState,
  failed: BatchState,
  context: OperationContext,
): Transition {
  const track = currentTrack(state);
  const at = context.now.toISOString();
  const batches = replaceIn(
    track.batches,
    b => b.index === failed.index,
    b => ({
      ...b,
      status: 'running' as const,
      attempt: b.attempt + 1,
      startedAt: at,
      failure: undefined,
    }),
  );
  const namespaces = replaceIn(
    track.namespaces,
    n => n.batch === failed.index && n.status === 'failed',
    n => ({
      ...n,
      status: 'migrating' as const,
      attempt: n.attempt + 1,
      restartStamp: at,
      reason: undefined,
      failedPods: undefined,
    }),
  );
  const resume: ResumablePhase =
    state.phase === 'Failed' ? 'Running' : resumePhaseOf(state);
  return changed(
    state,
    {
      ...withTrack(state, batches, namespaces),
      phase: resume,
      resumePhase: undefined,
      reason: undefined,
    },
    context,
    [
      event(context, 'Retried', `Retrying batch ${failed.index + 1}`, {
        batch: failed.index,
      }),
    ],
  );
}

function skipNamespace(
  state: UpgradeState,
  namespace: string,
  reason: string,
  context: OperationContext,
): Transition {
  if (TERMINAL_PHASES.includes(state.phase) || state.phase === 'Aborted') {
    return refuse(
      'SM-UPGRADE-OPERATION-REFUSED',
      `Cannot skip a namespace of an upgrade that is ${state.phase}`,
    );
  }
  if (!reason?.trim()) {
    return refuse(
      'SM-UPGRADE-SKIP-REASON',
      'Skipping a namespace needs a reason',
    );
  }
  const track = currentTrack(state);
  const found = track.namespaces.find(n => n.namespace === namespace);
  if (!found) {
    return refuse(
      'SM-UPGRADE-UNKNOWN-NAMESPACE',
      `Namespace ${namespace} is not part of this upgrade`,
    );
  }
  if (found.status === 'skipped') {
    return unchanged(state);
  }
  if (found.status === 'done') {
    return refuse(
      'SM-UPGRADE-OPERATION-REFUSED',
      `Namespace ${namespace} is already done`,
    );
  }
  const namespaces = replaceIn(
    track.namespaces,
    n => n.namespace === namespace,
    n => ({ ...n, status: 'skipped' as const, reason }),
  );
  return changed(state, withTrack(state, track.batches, namespaces), context, [
    event(context, 'NamespaceSkipped', `Skipped ${namespace}: ${reason}`, {
      namespace,
      batch: found.batch,
    }),
  ]);
}
