import {
  PodRef,
  RESTARTED_AT_ANNOTATION,
  RestartRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import { checkRestartWontStall, runGuards } from '../guards';
import type { MeshContext } from '../mesh';
import { podProxy } from '../proxies';
import { podsByWorkload, workloadRef } from '../workloads';
import { chooseWorkloads } from './chooseWorkloads';
import { prepareNamespaceAction } from './enroll';
import { mapChanges, patchOperation, resourceVersionTest } from './operations';
import { PlanOutcome } from './outcome';

/**
 * The request's idempotency key, kept on the pod template next to
 * `restartedAt`, so a repeated request knows what it already restarted.
 */
export const RESTART_KEY_ANNOTATION = 'service-mesh.backstage.io/restart-key';

/**
 * Restarts workloads the way `kubectl rollout restart` does: a new
 * `kubectl.kubernetes.io/restartedAt` pod-template annotation, which rolls
 * every pod. `now` comes from the caller; a plan made twice for the same
 * instant changes nothing the second time. With an idempotency key,
 * workloads whose template already carries it are left alone: a repeated
 * request (a retry, a double click, a re-plan after a timed-out write)
 * restarts each workload once.
 */
export function planRestart(
  context: MeshContext,
  request: RestartRequest,
  now: Date,
): PlanOutcome<{ podsToReplace: PodRef[] }> {
  const prepared = prepareNamespaceAction(context, request);
  if (!prepared.ok) {
    return prepared;
  }
  const name = prepared.namespace.metadata.name;
  const pods = podsByWorkload(context.snapshot, name);
  const chosen = chooseWorkloads([...pods.keys()], request.workloads, name);
  if (!chosen.ok) {
    return chosen;
  }
  const guards = runGuards(
    [
      () =>
        checkRestartWontStall(
          prepared.controlPlane,
          prepared.namespace,
          context.snapshot.mutatingWebhookConfigurations,
          chosen.workloads
            .flatMap(w => pods.get(w) ?? [])
            .filter(p => podProxy(p)).length,
        ),
    ],
    request.force,
  );
  if (!guards.ok) {
    return guards;
  }
  const restartedAt = now.toISOString();
  const key = request.idempotencyKey;
  const operations = [];
  const podsToReplace: PodRef[] = [];
  for (const workload of chosen.workloads) {
    const template = workload.spec.template;
    const annotations = template.metadata?.annotations;
    if (key && annotations?.[RESTART_KEY_ANNOTATION] === key) {
      continue;
    }
    const changes = mapChanges(
      annotations,
      '/spec/template/metadata/annotations',
      {
        [RESTARTED_AT_ANNOTATION]: restartedAt,
        ...(key && { [RESTART_KEY_ANNOTATION]: key }),
      },
    );
    if (changes.length === 0) {
      continue;
    }
    const prefix = template.metadata
      ? []
      : [{ op: 'add' as const, path: '/spec/template/metadata', value: {} }];
    operations.push(
      patchOperation(
        workload,
        [...resourceVersionTest(workload), ...prefix, ...changes],
        `Restart ${workload.kind} ${workload.metadata.name} (${
          pods.get(workload)!.length
        } pods replaced)`,
      ),
    );
    for (const pod of pods.get(workload)!) {
      podsToReplace.push({
        name: pod.metadata.name,
        workload: workloadRef(workload),
      });
    }
  }
  return {
    ok: true,
    change: { operations },
    forced: operations.length ? guards.forced : [],
    podsToReplace,
  };
}
