import { buildMeshContext, MeshContext } from '../mesh';
import type { ClusterSnapshot } from '../snapshot';
import { evaluateGate, failedPods, GateDecision } from './gate';
import { changed, currentTrack, event, OperationContext } from './machine';
import {
  controlPlaneSteps,
  directionOf,
  gateTargetOf,
  namespaceWork,
  podsOnFromRevision,
  tagRevision,
  unusedMessage,
} from './steps';
import type {
  BatchState,
  NamespaceState,
  Transition,
  UpgradeEvent,
  UpgradeState,
} from './types';

/*
 * What the cluster says about a running upgrade: namespaces whose relabel
 * and restarts are visible move on to their gate, gates pass or fail,
 * batches start as earlier ones pass, and the upgrade finishes. The runner
 * calls this after every step and on every tick, with a fresh snapshot.
 */

interface Draft {
  state: UpgradeState;
  batches: BatchState[];
  namespaces: NamespaceState[];
  events: UpgradeEvent[];
  context: OperationContext;
}

function setNamespace(
  draft: Draft,
  name: string,
  changes: Partial<NamespaceState>,
) {
  draft.namespaces = draft.namespaces.map(n =>
    n.namespace === name ? { ...n, ...changes } : n,
  );
}

function setBatch(draft: Draft, index: number, changes: Partial<BatchState>) {
  draft.batches = draft.batches.map(b =>
    b.index === index ? { ...b, ...changes } : b,
  );
}

/** Applies a gate decision to the waiting namespaces of a batch. */
function settleBatch(
  draft: Draft,
  batch: BatchState,
  decision: GateDecision,
  failedBefore: NamespaceState[],
) {
  const at = draft.context.now.toISOString();
  const members = draft.namespaces.filter(
    n => n.batch === batch.index && n.status === 'waitingForGate',
  );
  const problems = decision.result === 'fail' ? decision.problems : [];
  for (const ns of members) {
    const own = problems.filter(p => p.namespace === ns.namespace);
    if (own.length > 0) {
      const reason = own
        .map(p => `${p.namespace}/${p.workload.name}: ${p.problem}`)
        .join('; ');
      setNamespace(draft, ns.namespace, {
        status: 'failed',
        reason,
        failedPods: failedPods(own.flatMap(p => p.pods)),
      });
      draft.events.push(
        event(draft.context, 'NamespaceFailed', reason, {
          namespace: ns.namespace,
          batch: batch.index,
        }),
      );
    } else {
      setNamespace(draft, ns.namespace, { status: 'done' });
      draft.events.push(
        event(
          draft.context,
          'NamespaceDone',
          `${ns.namespace} is on ${draft.state.plan.targetRevision}`,
          {
            namespace: ns.namespace,
            batch: batch.index,
          },
        ),
      );
    }
  }
  const failures = [
    ...failedBefore.map(n => n.reason ?? n.namespace),
    ...(decision.result === 'fail' ? [decision.reason] : []),
  ];
  if (failures.length === 0) {
    setBatch(draft, batch.index, { status: 'passed', finishedAt: at });
    draft.events.push(
      event(
        draft.context,
        'BatchPassed',
        `Batch ${batch.index + 1} passed its gate`,
        { batch: batch.index },
      ),
    );
    return;
  }
  const failure = failures.join('; ');
  setBatch(draft, batch.index, { status: 'failed', finishedAt: at, failure });
  draft.events.push(
    event(
      draft.context,
      'BatchFailed',
      `Batch ${batch.index + 1} failed: ${failure}`,
      { batch: batch.index },
    ),
  );
}

/** Running batches: namespaces reach their gate, and gates decide. */
function progressBatches(draft: Draft, context: MeshContext) {
  const { plan } = draft.state;
  const direction = directionOf(draft.state);
  const deadline = draft.state.request.options.readinessDeadlineSeconds;
  for (const batch of draft.batches.filter(b => b.status === 'running')) {
    for (const ns of draft.namespaces.filter(
      n => n.batch === batch.index && n.status === 'migrating',
    )) {
      const work = namespaceWork(context, plan, ns, direction);
      if (!work.ok) {
        setNamespace(draft, ns.namespace, {
          status: 'failed',
          reason: work.reason,
        });
      } else if (work.steps.length === 0) {
        setNamespace(draft, ns.namespace, { status: 'waitingForGate' });
      }
    }
    const members = draft.namespaces.filter(n => n.batch === batch.index);
    const expired =
      draft.context.now.getTime() - new Date(batch.startedAt!).getTime() >=
      deadline * 1000;
    const settled = members.every(n => n.status !== 'migrating');
    if (!settled && !expired) {
      continue;
    }
    // At the deadline, namespaces still migrating are judged too.
    for (const ns of members.filter(n => n.status === 'migrating')) {
      setNamespace(draft, ns.namespace, { status: 'waitingForGate' });
    }
    const waiting = draft.namespaces.filter(
      n => n.batch === batch.index && n.status === 'waitingForGate',
    );
    const failedBefore = draft.namespaces.filter(
      n => n.batch === batch.index && n.status === 'failed',
    );
    const decision = evaluateGate(
      context.snapshot,
      {
        namespaces: waiting.map(n => ({
          namespace: n.namespace,
          restartStamp: n.restartStamp,
        })),
        deadlineSeconds: deadline,
      },
      gateTargetOf(plan, direction),
      batch.startedAt!,
      draft.context.now,
    );
    if (
      decision.result !== 'wait' ||
      (failedBefore.length > 0 && waiting.length === 0)
    ) {
      settleBatch(draft, batch, decision, failedBefore);
    }
  }
}

/** Starts pending batches up to the parallelism, once earlier ones allow it. */
function startBatches(
  draft: Draft,
  context: MeshContext,
): 'promotion' | undefined {
  const { plan, request } = draft.state;
  const direction = directionOf(draft.state);
  const canary = direction === 'forward' && plan.batches[0]?.canary;
  for (const batch of draft.batches.filter(b => b.status === 'pending')) {
    const running = draft.batches.filter(b => b.status === 'running').length;
    if (running >= request.options.parallelism) {
      return undefined;
    }
    if (canary && batch.index > 0) {
      const first = draft.batches[0];
      if (first.status !== 'passed') {
        return undefined;
      }
      if (request.options.pauseAfterCanary && !draft.state.promoted) {
        return 'promotion';
      }
    }
    const tags =
      direction === 'forward'
        ? plan.batches[batch.index]?.tagMovesBefore ?? []
        : [];
    const pendingTag = tags.find(tag => {
      const move = plan.tagMoves.find(t => t.tag === tag);
      return move && tagRevision(context, tag) !== move.toRevision;
    });
    if (pendingTag) {
      return undefined;
    }
    const at = draft.context.now.toISOString();
    setBatch(draft, batch.index, { status: 'running', startedAt: at });
    draft.events.push(
      event(draft.context, 'BatchStarted', `Batch ${batch.index + 1} started`, {
        batch: batch.index,
      }),
    );
    for (const ns of draft.namespaces.filter(
      n => n.batch === batch.index && n.status === 'pending',
    )) {
      setNamespace(draft, ns.namespace, {
        status: 'migrating',
        restartStamp: at,
        touched: true,
      });
      draft.events.push(
        event(draft.context, 'NamespaceMigrating', `Moving ${ns.namespace}`, {
          namespace: ns.namespace,
          batch: batch.index,
        }),
      );
    }
  }
  return undefined;
}

/** Batches whose namespaces were all skipped (or skipped and done) pass without a gate. */
function passSkippedBatches(draft: Draft) {
  for (const batch of draft.batches.filter(b => b.status !== 'passed')) {
    const members = draft.namespaces.filter(n => n.batch === batch.index);
    const pass =
      batch.status === 'pending'
        ? members.every(n => n.status === 'skipped')
        : members.every(n => n.status === 'skipped' || n.status === 'done');
    if (pass) {
      setBatch(draft, batch.index, {
        status: 'passed',
        failure: undefined,
        finishedAt: draft.context.now.toISOString(),
      });
    }
  }
}

/**
 * Advances a Running or RollingBack upgrade by what the snapshot shows.
 * Other phases are returned unchanged.
 */
export function advanceUpgrade(
  state: UpgradeState,
  snapshot: ClusterSnapshot,
  now: Date,
): Transition {
  if (state.phase !== 'Running' && state.phase !== 'RollingBack') {
    return { ok: true, state, events: [] };
  }
  const context = buildMeshContext(snapshot);
  const operationContext = { now };
  const direction = directionOf(state);
  const track = currentTrack(state);
  const draft: Draft = {
    state,
    batches: track.batches,
    namespaces: track.namespaces,
    events: [],
    context: operationContext,
  };
  const completed = new Set(state.completedSteps);
  for (const move of state.plan.tagMoves) {
    if (
      direction === 'forward' &&
      tagRevision(context, move.tag) === move.toRevision &&
      !completed.has(`tag:${move.tag}`)
    ) {
      completed.add(`tag:${move.tag}`);
      draft.events.push(
        event(
          operationContext,
          'TagMoved',
          `Tag ${move.tag} points at ${move.toRevision}`,
          { stepKey: `tag:${move.tag}` },
        ),
      );
    }
  }
  const cpKey = `${direction}:controlPlane`;
  if (!completed.has(cpKey)) {
    if (controlPlaneSteps(context, state.plan, direction).length > 0) {
      return finish(draft, completed, {});
    }
    completed.add(cpKey);
    if (state.plan.controlPlaneSteps.length > 0) {
      draft.events.push(
        event(
          operationContext,
          'ControlPlaneUpdated',
          `Control plane is Ready on ${
            gateTargetOf(state.plan, direction).revision
          }`,
        ),
      );
    }
  }
  if (direction === 'back') {
    const tagsBack = state.plan.tagMoves.some(
      m => tagRevision(context, m.tag) === m.toRevision,
    );
    if (tagsBack) {
      return finish(draft, completed, {});
    }
  }
  progressBatches(draft, context);
  passSkippedBatches(draft);
  const failed = draft.batches.find(b => b.status === 'failed');
  if (failed) {
    return finish(draft, completed, {
      phase: 'Paused',
      resumePhase: state.phase,
      reason: `Batch ${failed.index + 1} failed its gate: ${failed.failure}`,
    });
  }
  if (startBatches(draft, context) === 'promotion') {
    draft.events.push(
      event(
        operationContext,
        'WaitingForPromotion',
        'The canary batch passed: waiting for promotion',
      ),
    );
    return finish(draft, completed, { phase: 'WaitingForPromotion' });
  }
  if (!draft.batches.every(b => b.status === 'passed')) {
    return finish(draft, completed, {});
  }
  if (direction === 'back') {
    draft.events.push(
      event(
        operationContext,
        'RolledBack',
        `Every touched namespace is back on ${state.plan.fromRevision}`,
      ),
    );
    return finish(draft, completed, {
      phase: 'RolledBack',
      finishedAt: now.toISOString(),
    });
  }
  if (
    state.plan.tagMoves.some(m => tagRevision(context, m.tag) !== m.toRevision)
  ) {
    return finish(draft, completed, {});
  }
  const remaining = [...podsOnFromRevision(snapshot, state.plan)];
  const outside = remaining.filter(
    ([ns]) => !state.plan.staying.some(s => s.namespace === ns),
  );
  if (outside.length > 0) {
    return finish(draft, completed, {});
  }
  const at = now.toISOString();
  const kept = remaining.map(([ns, pods]) => `${ns} (${pods} pods)`);
  const message =
    kept.length === 0
      ? unusedMessage(state.plan)
      : `${state.plan.fromRevision} still serves ${kept.join(
          ', ',
        )}, which stay on it by design: keep it`;
  draft.events.push(
    event(
      operationContext,
      kept.length === 0 ? 'RevisionUnused' : 'Succeeded',
      message,
    ),
  );
  if (kept.length === 0) {
    draft.events.push(
      event(operationContext, 'Succeeded', 'Upgrade succeeded'),
    );
  }
  return finish(draft, completed, {
    phase: 'Succeeded',
    reason: message,
    finishedAt: at,
    ...(kept.length === 0 ? { revisionUnusedAt: at } : {}),
  });
}

function finish(
  draft: Draft,
  completed: Set<string>,
  changes: Partial<UpgradeState>,
): Transition {
  const { state } = draft;
  const track = state.rollback
    ? {
        rollback: {
          ...state.rollback,
          batches: draft.batches,
          namespaces: draft.namespaces,
        },
      }
    : { batches: draft.batches, namespaces: draft.namespaces };
  const completedSteps = [...completed];
  const nothing =
    draft.events.length === 0 &&
    Object.keys(changes).length === 0 &&
    completedSteps.length === state.completedSteps.length &&
    draft.batches === currentTrack(state).batches &&
    draft.namespaces === currentTrack(state).namespaces;
  if (nothing) {
    return { ok: true, state, events: [] };
  }
  return changed(
    state,
    { ...track, completedSteps, ...changes },
    draft.context,
    draft.events,
  );
}

/**
 * A write the runner could not make, even after re-planning: the namespace
 * fails and the upgrade pauses; a control-plane step failing fails the
 * upgrade.
 */
export function recordStepFailure(
  state: UpgradeState,
  step: { key: string; namespace?: string },
  message: string,
  now: Date,
): Transition {
  const context = { now };
  if (!step.namespace) {
    return changed(
      state,
      { phase: 'Failed', reason: `${step.key}: ${message}` },
      context,
      [
        event(context, 'Failed', `${step.key} failed: ${message}`, {
          stepKey: step.key,
        }),
      ],
    );
  }
  const track = currentTrack(state);
  const ns = track.namespaces.find(n => n.namespace === step.namespace);
  if (!ns) {
    return { ok: true, state, events: [] };
  }
  const reason = `${step.namespace}: ${message}`;
  const namespaces = track.namespaces.map(n =>
    n.namespace === step.namespace
      ? { ...n, status: 'failed' as const, reason }
      : n,
  );
  const batches = track.batches.map(b =>
    b.index === ns.batch
      ? {
          ...b,
          status: 'failed' as const,
          failure: reason,
          finishedAt: now.toISOString(),
        }
      : b,
  );
  const trackChanges = state.rollback
    ? { rollback: { ...state.rollback, batches, namespaces } }
    : { batches, namespaces };
  return changed(
    state,
    {
      ...trackChanges,
      phase: 'Paused',
      resumePhase: state.phase === 'RollingBack' ? 'RollingBack' : 'Running',
      reason: `Batch ${ns.batch + 1} failed: ${reason}`,
    },
    context,
    [
      event(context, 'StepFailed', `${step.key} failed: ${message}`, {
        stepKey: step.key,
        namespace: step.namespace,
        batch: ns.batch,
      }),
    ],
  );
}
