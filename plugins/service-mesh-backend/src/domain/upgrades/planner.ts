import {
  ISTIO_REVISION_LABEL,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import { buildMeshContext } from '../mesh';
import { isActivePod, podProxy } from '../proxies';
import type { ClusterSnapshot } from '../snapshot';
import { podsByWorkload, workloadRef } from '../workloads';
import { upgradeFlavours } from './flavours';
import type { NamespaceMoveDraft, UpgradePlanRefusal } from './flavours/types';
import { refuseUpgrade } from './flavours/types';
import { GateTarget, isOptedOut, proxyOnTarget } from './gate';
import { runPrechecks } from './prechecks';
import type {
  NamespacePlan,
  PlannedBatch,
  PlannedTagMove,
  StayingOnOldRevision,
  UpgradePlan,
  UpgradeRequest,
  WorkloadRestart,
} from './types';

export const MAX_BATCH_SIZE = 1000;
export const MAX_PARALLELISM = 50;

export type UpgradePlanOutcome =
  | { ok: true; plan: UpgradePlan }
  | UpgradePlanRefusal;

/**
 * The workloads of a namespace a move restarts: those with a running pod
 * whose proxy is not on the target. Workloads opting out of injection are
 * listed apart; workloads with no pods have nothing to restart.
 */
export function workloadsToRestart(
  snapshot: ClusterSnapshot,
  namespace: string,
  target: GateTarget,
): { restarts: WorkloadRestart[]; optedOut: WorkloadRef[] } {
  const restarts: WorkloadRestart[] = [];
  const optedOut: WorkloadRef[] = [];
  for (const [workload, pods] of podsByWorkload(snapshot, namespace)) {
    if (isOptedOut(workload)) {
      optedOut.push(workloadRef(workload));
    } else if (pods.some(pod => !proxyOnTarget(pod, target))) {
      restarts.push({
        workload: workloadRef(workload),
        pods: pods.map(p => p.metadata.name).sort(),
      });
    }
  }
  return { restarts, optedOut };
}

/**
 * Pods on the from-revision in namespaces the plan neither moves nor
 * explains: workloads selecting the revision with their own `istio.io/rev`
 * label (in namespaces without injection labels), or namespaces whose labels
 * no longer select it.
 */
export function unexplainedStays(
  snapshot: ClusterSnapshot,
  fromRevision: string,
  known: string[],
): StayingOnOldRevision[] {
  const stays: StayingOnOldRevision[] = [];
  const namespaces = [
    ...new Set(
      snapshot.pods
        .filter(
          pod =>
            isActivePod(pod) &&
            podProxy(pod)?.revision === fromRevision &&
            !known.includes(pod.metadata.namespace!),
        )
        .map(pod => pod.metadata.namespace!),
    ),
  ].sort();
  for (const namespace of namespaces) {
    const pinned = [...podsByWorkload(snapshot, namespace)].filter(
      ([workload, pods]) =>
        workload.spec.template.metadata?.labels?.[ISTIO_REVISION_LABEL] !==
          undefined && pods.some(p => podProxy(p)?.revision === fromRevision),
    );
    for (const [workload] of pinned) {
      const label =
        workload.spec.template.metadata!.labels![ISTIO_REVISION_LABEL];
      stays.push({
        namespace,
        workload: workloadRef(workload),
        reason: 'workloadPinned',
        message: `${namespace}/${workload.metadata.name} selects ${label} with its own istio.io/rev label; change the label to move it`,
      });
    }
    if (pinned.length === 0) {
      stays.push({
        namespace,
        reason: 'notInPlan',
        message: `${namespace} has pods on ${fromRevision}, but its labels no longer select it: restart them to move them`,
      });
    }
  }
  return stays;
}

/** Splits a list into chunks of `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

/**
 * The batches: the canary first (alone), then batch-size chunks of the
 * relabelled and restart-only namespaces, then of each tag's followers in
 * the order the tags are moved, so a tag moves just before the first batch
 * that follows it. Tags nobody follows move at the end.
 */
export function planBatches(
  moves: NamespaceMoveDraft[],
  tagOrder: string[],
  batchSize: number,
): { batches: PlannedBatch[]; beforeBatch: Map<string, number> } {
  const groups: NamespaceMoveDraft[][] = [];
  const canary = moves.filter(m => m.canary);
  if (canary.length > 0) {
    groups.push(canary);
  }
  const rest = moves.filter(m => !m.canary);
  groups.push(
    ...chunk(
      rest.filter(m => m.move !== 'followsTag'),
      batchSize,
    ),
  );
  for (const tag of tagOrder) {
    groups.push(
      ...chunk(
        rest.filter(m => m.tag === tag),
        batchSize,
      ),
    );
  }
  const beforeBatch = new Map<string, number>();
  const batches = groups.map((group, index) => {
    const tags = [...new Set(group.flatMap(m => (m.tag ? [m.tag] : [])))];
    const tagMovesBefore = tags.filter(t => !beforeBatch.has(t));
    tagMovesBefore.forEach(t => beforeBatch.set(t, index));
    return {
      index,
      canary: index === 0 && canary.length > 0,
      namespaces: group.map(m => m.namespace),
      tagMovesBefore,
    };
  });
  return { batches, beforeBatch };
}

function checkOptions(request: UpgradeRequest): UpgradePlanRefusal | undefined {
  const { options } = request;
  const integer = (value: number, min: number, max: number) =>
    Number.isInteger(value) && value >= min && value <= max;
  if (!integer(options.batchSize, 1, MAX_BATCH_SIZE)) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-BATCH-SIZE',
      `The batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}`,
    );
  }
  if (!integer(options.parallelism, 1, MAX_PARALLELISM)) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-PARALLELISM',
      `Batches at once must be a whole number from 1 to ${MAX_PARALLELISM}`,
    );
  }
  if (!integer(options.readinessDeadlineSeconds, 1, 24 * 3600)) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-DEADLINE',
      'The readiness deadline must be from 1 s to 24 h',
    );
  }
  if (
    request.target.type === 'revision' &&
    request.target.revision === request.fromRevision
  ) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-SAME-REVISION',
      `The target is the from-revision ${request.fromRevision}`,
    );
  }
  return undefined;
}

/**
 * Plans an upgrade from a snapshot: the prechecks, the control-plane
 * changes, the batches with each namespace's label change and restarts,
 * the tag moves, and what stays on the old revision and why. Pure: the
 * same snapshot and request give the same plan.
 */
export function planUpgrade(
  snapshot: ClusterSnapshot,
  request: UpgradeRequest,
): UpgradePlanOutcome {
  const invalid = checkOptions(request);
  if (invalid) {
    return invalid;
  }
  const context = buildMeshContext(snapshot);
  const controlPlane = context.controlPlanes.find(
    cp =>
      cp.namespace === request.controlPlane.namespace &&
      (request.controlPlane.name === undefined ||
        cp.name === request.controlPlane.name),
  );
  if (!controlPlane) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-NO-CONTROL-PLANE',
      `No control plane in namespace ${request.controlPlane.namespace} on cluster ${snapshot.cluster}`,
    );
  }
  if (!controlPlane.revisions.some(r => r.name === request.fromRevision)) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-UNKNOWN-REVISION',
      `Control plane ${controlPlane.namespace} has no revision ${request.fromRevision}`,
    );
  }
  const flavourPlan = upgradeFlavours[controlPlane.flavour].plan({
    context,
    controlPlane,
    request,
  });
  if (!flavourPlan.ok) {
    return flavourPlan;
  }
  const tagOrder = flavourPlan.tagMoves.map(t => t.tag);
  const { batches, beforeBatch } = planBatches(
    flavourPlan.moves,
    tagOrder,
    request.options.batchSize,
  );
  const gateTarget: GateTarget = {
    revision: flavourPlan.targetRevision,
    version: flavourPlan.targetVersion,
  };
  const namespaces: NamespacePlan[] = batches.flatMap(batch =>
    batch.namespaces.map(name => {
      const move = flavourPlan.moves.find(m => m.namespace === name)!;
      const { canary: _canary, ...rest } = move;
      return {
        ...rest,
        batch: batch.index,
        ...workloadsToRestart(snapshot, name, gateTarget),
      };
    }),
  );
  const tagMoves: PlannedTagMove[] = flavourPlan.tagMoves.map(move => ({
    ...move,
    ...(beforeBatch.has(move.tag)
      ? { beforeBatch: beforeBatch.get(move.tag) }
      : {}),
  }));
  const staying = [
    ...flavourPlan.staying,
    ...(flavourPlan.inPlace
      ? []
      : unexplainedStays(snapshot, request.fromRevision, [
          ...namespaces.map(n => n.namespace),
          ...flavourPlan.staying.map(n => n.namespace),
        ])),
  ];
  const prechecks = runPrechecks({
    snapshot,
    controlPlane,
    fromRevision: request.fromRevision,
    targetRevision: flavourPlan.targetRevision,
    targetVersion: flavourPlan.targetVersion,
    target: flavourPlan.target,
    inPlace: flavourPlan.inPlace,
    namespaces: namespaces.map(n => n.namespace),
    movedTags: tagMoves.map(t => t.tag),
    force: request.options.force,
  });
  return {
    ok: true,
    plan: {
      flavour: controlPlane.flavour,
      cluster: snapshot.cluster,
      controlPlane: {
        namespace: controlPlane.namespace,
        name: controlPlane.name,
      },
      fromRevision: request.fromRevision,
      fromVersion: flavourPlan.fromVersion,
      targetRevision: flavourPlan.targetRevision,
      targetVersion: flavourPlan.targetVersion,
      canaryLabel: flavourPlan.canaryLabel,
      prechecks,
      blocked: prechecks.some(p => p.blocking),
      controlPlaneSteps: flavourPlan.controlPlaneSteps,
      batches,
      namespaces,
      tagMoves,
      staying,
    },
  };
}
