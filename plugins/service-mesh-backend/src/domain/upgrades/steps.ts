import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  RESTARTED_AT_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { normalizeVersion } from '../controlPlane';
import { annotationsOf } from '../kube';
import { buildMeshContext, MeshContext } from '../mesh';
import { describeLabels, labelPatch } from '../plans/operations';
import { planRestart } from '../plans/restart';
import { isActivePod, podProxy } from '../proxies';
import { findNamespace, type ClusterSnapshot } from '../snapshot';
import { podsByWorkload, workloadRef } from '../workloads';
import { istioTagMove } from './flavours/istio';
import {
  injectionLabelsOf,
  relabelWanted,
  restoreWanted,
} from './flavours/labelled';
import { sailTagMove } from './flavours/sail';
import {
  GateTarget,
  isOptedOut,
  isPodReady,
  proxyOnTarget,
  versionMatches,
} from './gate';
import { currentTrack } from './machine';
import type {
  ControlPlaneStep,
  InjectionLabels,
  NamespaceState,
  PlannedTagMove,
  UpgradePlan,
  UpgradeState,
  UpgradeStep,
} from './types';

/*
 * The next idempotent steps of an upgrade, from its state and a fresh
 * snapshot. Every step's key is stable, and whether it is done is read from
 * the cluster: a namespace's labels, a workload's `restartedAt` stamp, a
 * tag's revision, a resource's version. So a runner that crashed between a
 * write and its record finds the step done, and never relabels or restarts
 * twice.
 */

export type Direction = 'forward' | 'back';

export function directionOf(state: UpgradeState): Direction {
  return state.rollback ? 'back' : 'forward';
}

/** The proxies namespaces end up on: the target, or the from-revision when rolling back. */
export function gateTargetOf(
  plan: UpgradePlan,
  direction: Direction,
): GateTarget {
  return direction === 'forward'
    ? { revision: plan.targetRevision, version: plan.targetVersion }
    : { revision: plan.fromRevision, version: plan.fromVersion };
}

function sameLabels(a: InjectionLabels, b: InjectionLabels): boolean {
  return (
    a[ISTIO_INJECTION_LABEL] === b[ISTIO_INJECTION_LABEL] &&
    a[ISTIO_REVISION_LABEL] === b[ISTIO_REVISION_LABEL]
  );
}

export type NamespaceWork =
  | { ok: true; steps: UpgradeStep[] }
  /** Someone else changed the namespace's labels since the plan. */
  | { ok: false; reason: string };

/** What is left to do for one migrating namespace: its relabel, then its restarts. */
export function namespaceWork(
  context: MeshContext,
  plan: UpgradePlan,
  namespaceState: NamespaceState,
  direction: Direction,
): NamespaceWork {
  const name = namespaceState.namespace;
  const planned = plan.namespaces.find(n => n.namespace === name);
  const namespace = findNamespace(context.snapshot, name);
  if (!planned || !namespace) {
    return { ok: false, reason: `Namespace ${name} no longer exists` };
  }
  const current = injectionLabelsOf(namespace);
  const wanted =
    direction === 'forward' ? planned.targetLabels : planned.previousLabels;
  const other =
    direction === 'forward' ? planned.previousLabels : planned.targetLabels;
  const prefix = direction === 'forward' ? '' : 'rollback-';
  if (!sameLabels(current, wanted)) {
    if (!sameLabels(current, other)) {
      return {
        ok: false,
        reason: `${name}'s labels changed since the plan (now ${
          describeLabels({ ...current }) || 'none'
        }): left alone`,
      };
    }
    const change =
      direction === 'forward'
        ? relabelWanted(wanted[ISTIO_REVISION_LABEL]!)
        : restoreWanted(wanted);
    const operation = labelPatch(
      namespace,
      change,
      `Label namespace ${name}: ${describeLabels(change)}`,
    );
    return {
      ok: true,
      steps: operation
        ? [
            {
              key: `${prefix}relabel:${name}`,
              type: 'relabelNamespace',
              namespace: name,
              operation,
            },
          ]
        : [],
    };
  }
  const stamp = namespaceState.restartStamp;
  if (!stamp) {
    return { ok: true, steps: [] };
  }
  const target = gateTargetOf(plan, direction);
  const steps: UpgradeStep[] = [];
  for (const [workload, pods] of podsByWorkload(context.snapshot, name)) {
    const restarted =
      annotationsOf(workload.spec.template)[RESTARTED_AT_ANNOTATION] === stamp;
    // Pods Ready on the target need no restart; a retry restarts the rest.
    if (
      restarted ||
      isOptedOut(workload) ||
      pods.every(pod => proxyOnTarget(pod, target) && isPodReady(pod))
    ) {
      continue;
    }
    const ref = workloadRef(workload);
    const outcome = planRestart(
      context,
      { cluster: context.snapshot.cluster, namespace: name, workloads: [ref] },
      new Date(stamp),
    );
    if (outcome.ok && outcome.change.operations.length > 0) {
      steps.push({
        key: `${prefix}restart:${name}/${ref.kind}/${ref.name}@${namespaceState.attempt}`,
        type: 'restartWorkload',
        namespace: name,
        workload: ref,
        stamp,
        operation: outcome.change.operations[0],
      });
    }
  }
  return { ok: true, steps };
}

/** The `spec.version` the control-plane resource has now, as written there. */
function resourceVersion(
  snapshot: ClusterSnapshot,
  step: ControlPlaneStep,
): string | undefined {
  const { resource } = step;
  return resource.kind === 'Istio'
    ? snapshot.istios?.find(i => i.metadata.name === resource.name)?.spec
        .version
    : snapshot.serviceMeshControlPlanes?.find(
        s =>
          s.metadata.name === resource.name &&
          s.metadata.namespace === resource.namespace,
      )?.spec?.version;
}

/** The version step of a direction, and the revision to wait for after it. */
export function controlPlaneSteps(
  context: MeshContext,
  plan: UpgradePlan,
  direction: Direction,
): UpgradeStep[] {
  const steps: UpgradeStep[] = [];
  for (const step of plan.controlPlaneSteps) {
    const wantedVersion =
      direction === 'forward' ? step.toVersion : step.fromVersion;
    const revision =
      direction === 'forward' ? step.awaitRevision : plan.fromRevision;
    if (!wantedVersion) {
      continue;
    }
    const current = resourceVersion(context.snapshot, step);
    if (normalizeVersion(current) !== normalizeVersion(wantedVersion)) {
      // Tested on the version seen now, not the plan's resourceVersion:
      // the operator updates the resource's status all the time.
      const operation = {
        ...step.operation,
        patch: [
          ...(current === undefined
            ? []
            : [{ op: 'test' as const, path: '/spec/version', value: current }]),
          {
            op: current === undefined ? ('add' as const) : ('replace' as const),
            path: '/spec/version',
            value: wantedVersion,
          },
        ],
        summary:
          direction === 'forward'
            ? step.operation.summary
            : `Set ${step.resource.kind} ${step.resource.name} spec.version back to ${wantedVersion}`,
      };
      steps.push({
        key: `${direction === 'forward' ? '' : 'rollback-'}setVersion`,
        type: 'setVersion',
        operation,
      });
      return steps;
    }
    const model = context.controlPlanes
      .flatMap(cp => cp.revisions)
      .find(r => r.name === revision);
    const ready =
      model?.ready &&
      model.injectorReady &&
      (plan.flavour !== 'ossm2' ||
        versionMatches(model.version, wantedVersion));
    if (!ready) {
      steps.push({
        key: `${
          direction === 'forward' ? '' : 'rollback-'
        }revision:${revision}`,
        type: 'waitForRevision',
        revision,
        message: `Waiting for revision ${revision} (${normalizeVersion(
          wantedVersion,
        )}) to be Ready`,
      });
    }
  }
  return steps;
}

/** The revision a tag points at now. */
export function tagRevision(
  context: MeshContext,
  tag: string,
): string | undefined {
  return context.controlPlanes.flatMap(cp => cp.tags).find(t => t.name === tag)
    ?.revision;
}

/** The step that moves a tag, or none when it points where it should. */
export function tagStep(
  context: MeshContext,
  plan: UpgradePlan,
  move: PlannedTagMove,
  direction: Direction,
): UpgradeStep | undefined {
  const wanted = direction === 'forward' ? move.toRevision : move.fromRevision;
  if (tagRevision(context, move.tag) === wanted) {
    return undefined;
  }
  const key = `${direction === 'forward' ? '' : 'rollback-'}tag:${move.tag}`;
  const base = {
    key,
    type: 'moveTag' as const,
    tag: move.tag,
    toRevision: wanted,
  };
  if (move.automatic) {
    return base;
  }
  if (plan.flavour === 'sail') {
    const tag = context.snapshot.istioRevisionTags?.find(
      t => t.metadata.name === move.tag,
    );
    const current = tagRevision(context, move.tag) ?? move.fromRevision;
    return tag
      ? {
          ...base,
          operation: sailTagMove(tag, current, wanted, false).operation,
        }
      : base;
  }
  const controlPlane = context.controlPlanes.find(
    cp => cp.namespace === plan.controlPlane.namespace,
  );
  const draft = controlPlane
    ? istioTagMove(context.snapshot, controlPlane, move.tag, wanted)
    : undefined;
  return typeof draft === 'object'
    ? { ...base, operation: draft.operation }
    : base;
}

/** Active pods still on the from-revision (OSSM 2: on the old proxy version), by namespace. */
export function podsOnFromRevision(
  snapshot: ClusterSnapshot,
  plan: UpgradePlan,
): Map<string, number> {
  const counts = new Map<string, number>();
  const target = gateTargetOf(plan, 'forward');
  for (const pod of snapshot.pods.filter(isActivePod)) {
    const proxy = podProxy(pod);
    const onFrom =
      proxy?.revision === plan.fromRevision &&
      (plan.flavour !== 'ossm2' || !proxyOnTarget(pod, target));
    if (onFrom) {
      const ns = pod.metadata.namespace!;
      counts.set(ns, (counts.get(ns) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * The next steps: what to write, or what to wait for. Empty when the
 * upgrade is not running (Planned, Paused, waiting for promotion, ended).
 * The runner executes them one at a time, recording each by key before
 * and after, then calls `advanceUpgrade` with a fresh snapshot.
 */
export function nextSteps(
  state: UpgradeState,
  snapshot: ClusterSnapshot,
  context: MeshContext = buildMeshContext(snapshot),
): UpgradeStep[] {
  if (state.phase !== 'Running' && state.phase !== 'RollingBack') {
    return [];
  }
  const direction = directionOf(state);
  const { plan } = state;
  const steps: UpgradeStep[] = [];
  if (direction === 'back') {
    for (const move of plan.tagMoves) {
      const step = tagStep(context, plan, move, 'back');
      // Observed, not recorded: a move written just before a crash counts too.
      if (step && tagRevision(context, move.tag) === move.toRevision) {
        steps.push(step);
      }
    }
  }
  const cpSteps = state.completedSteps.includes(`${direction}:controlPlane`)
    ? []
    : controlPlaneSteps(context, plan, direction);
  if (cpSteps.length > 0 || steps.length > 0) {
    return [...steps, ...cpSteps];
  }
  const track = currentTrack(state);
  for (const batch of track.batches.filter(b => b.status === 'running')) {
    const members = track.namespaces.filter(n => n.batch === batch.index);
    for (const ns of members.filter(n => n.status === 'migrating')) {
      const work = namespaceWork(context, plan, ns, direction);
      if (work.ok) {
        steps.push(...work.steps);
      }
    }
    const deadline = new Date(
      new Date(batch.startedAt!).getTime() +
        state.request.options.readinessDeadlineSeconds * 1000,
    ).toISOString();
    steps.push({
      key: `${direction === 'forward' ? '' : 'rollback-'}gate:${batch.index}@${
        batch.attempt
      }`,
      type: 'waitForGate',
      batch: batch.index,
      deadline,
      message: `Waiting for batch ${batch.index + 1} to be Ready on ${
        gateTargetOf(plan, direction).revision
      }`,
    });
  }
  const nextBatch = track.batches.find(b => b.status === 'pending');
  if (direction === 'forward' && nextBatch && mayStart(state, nextBatch)) {
    for (const tag of plan.batches[nextBatch.index]?.tagMovesBefore ?? []) {
      const move = plan.tagMoves.find(t => t.tag === tag);
      const step = move && tagStep(context, plan, move, 'forward');
      if (step) {
        steps.push(step);
      }
    }
  }
  const allDone = track.batches.every(b => b.status === 'passed');
  if (direction === 'forward' && allDone) {
    for (const move of plan.tagMoves) {
      const step = tagStep(context, plan, move, 'forward');
      if (step) {
        steps.push(step);
      }
    }
    if (steps.length === 0) {
      const remaining = [...podsOnFromRevision(snapshot, plan)].filter(
        ([ns]) => !plan.staying.some(s => s.namespace === ns),
      );
      steps.push(
        remaining.length > 0
          ? {
              key: `unused:${plan.fromRevision}`,
              type: 'waitUntilUnused',
              revision: plan.fromRevision,
              message: `Waiting until ${
                plan.fromRevision
              } is unused: ${remaining
                .map(([ns, pods]) => `${ns} (${pods} pods)`)
                .join(', ')}`,
            }
          : {
              key: `report:${plan.fromRevision}`,
              type: 'reportUnused',
              revision: plan.fromRevision,
              message: unusedMessage(plan),
            },
      );
    }
  }
  return steps;
}

/**
 * Whether a pending batch may start once its tags have moved: a slot is
 * free, no batch failed, and a canary before it has passed. Its tags move
 * only then, since a moved tag already changes what new pods of its
 * namespaces get.
 */
function mayStart(state: UpgradeState, batch: { index: number }): boolean {
  const { batches } = currentTrack(state);
  const running = batches.filter(b => b.status === 'running').length;
  const canaryFirst = state.plan.batches[0]?.canary && batch.index > 0;
  return (
    running < state.request.options.parallelism &&
    !batches.some(b => b.status === 'failed') &&
    !(canaryFirst && batches[0]?.status !== 'passed')
  );
}

/** "1-23-1 is unused: safe to remove", with what happens next on each flavour. */
export function unusedMessage(plan: UpgradePlan): string {
  if (plan.flavour === 'ossm2') {
    return `Every proxy of ${plan.fromRevision} runs ${plan.targetVersion}`;
  }
  if (plan.flavour === 'sail') {
    return `${plan.fromRevision} is unused: the operator removes it after its grace period (inactiveRevisionDeletionGracePeriodSeconds)`;
  }
  return `${plan.fromRevision} is unused: safe to remove`;
}

/**
 * How much the from-revision is still used, and whether it still exists:
 * on Sail the operator deletes an unused revision after its grace period,
 * which a view shows by this turning false.
 */
export function fromRevisionUsage(
  plan: UpgradePlan,
  snapshot: ClusterSnapshot,
  context: MeshContext = buildMeshContext(snapshot),
): { pods: number; byNamespace: Record<string, number>; exists: boolean } {
  const byNamespace = Object.fromEntries(podsOnFromRevision(snapshot, plan));
  return {
    pods: Object.values(byNamespace).reduce((sum, n) => sum + n, 0),
    byNamespace,
    exists: context.controlPlanes.some(cp =>
      cp.revisions.some(r => r.name === plan.fromRevision),
    ),
  };
}
