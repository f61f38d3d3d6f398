import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  KubeOperation,
  SetInjectionRequest,
  SIDECAR_INJECT_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { checkInjectorReady, runGuards } from '../guards';
import type { MeshContext } from '../mesh';
import { inNamespace } from '../snapshot';
import { chooseWorkloads } from './chooseWorkloads';
import { prepareNamespaceAction } from './enroll';
import {
  labelPatch,
  mapChanges,
  patchOperation,
  resourceVersionTest,
} from './operations';
import { PlanOutcome, refused } from './outcome';

/**
 * Sets injection: the namespace's `istio-injection` label on Istio/Sail, or
 * each workload's pod-template annotation `sidecar.istio.io/inject` on
 * OSSM 2 (where the namespace label cannot turn injection on). A template
 * change rolls the workload out by itself.
 */
export function planSetInjection(
  context: MeshContext,
  request: SetInjectionRequest,
): PlanOutcome {
  const prepared = prepareNamespaceAction(context, request);
  if (!prepared.ok) {
    return prepared;
  }
  const { namespace, controlPlane } = prepared;
  const name = namespace.metadata.name;

  const perWorkload =
    controlPlane.flavour === 'ossm2' ||
    controlPlane.injector?.policy.policy === 'disabled';
  if (perWorkload || request.workloads) {
    const chosen = chooseWorkloads(
      inNamespace(context.snapshot.workloads, name),
      request.workloads,
      name,
    );
    if (!chosen.ok) {
      return chosen;
    }
    const value =
      request.injection === 'removed'
        ? null
        : String(request.injection === 'enabled');
    const operations: KubeOperation[] = [];
    for (const workload of chosen.workloads) {
      const changes = mapChanges(
        workload.spec.template.metadata?.annotations,
        '/spec/template/metadata/annotations',
        { [SIDECAR_INJECT_ANNOTATION]: value },
      );
      if (changes.length === 0) {
        continue;
      }
      const prefix = workload.spec.template.metadata
        ? []
        : [{ op: 'add' as const, path: '/spec/template/metadata', value: {} }];
      operations.push(
        patchOperation(
          workload,
          [...resourceVersionTest(workload), ...prefix, ...changes],
          `${
            value === null
              ? 'Remove'
              : `Set ${SIDECAR_INJECT_ANNOTATION}="${value}" on`
          } the pod template of ${workload.kind} ${workload.metadata.name}${
            value === null ? `'s ${SIDECAR_INJECT_ANNOTATION} annotation` : ''
          }; this rolls its pods`,
        ),
      );
    }
    return { ok: true, change: { operations }, forced: [] };
  }

  const wanted: Record<string, string | null> = {
    [ISTIO_INJECTION_LABEL]:
      request.injection === 'removed' ? null : request.injection,
  };
  if (request.injection === 'enabled') {
    // istio-injection=enabled wins anyway; keeping istio.io/rev would only
    // leave both labels set (IST0123).
    wanted[ISTIO_REVISION_LABEL] = null;
  }
  const guards = runGuards(
    request.injection === 'enabled' && controlPlane.defaultRevision
      ? [
          () =>
            checkInjectorReady([controlPlane], controlPlane.defaultRevision!),
        ]
      : [],
    request.force,
  );
  if (!guards.ok) {
    return guards;
  }
  if (request.injection === 'enabled' && !controlPlane.defaultRevision) {
    return refused(
      'conflict',
      'SM-INJECTION-NO-DEFAULT-REVISION',
      `Control plane ${controlPlane.namespace} has no default revision, so istio-injection=enabled would inject nothing; switch the namespace to a revision instead`,
    );
  }
  const operation = labelPatch(
    namespace,
    wanted,
    words => `Namespace ${name}: ${words}; existing pods change on restart`,
  );
  return {
    ok: true,
    change: { operations: operation ? [operation] : [] },
    forced: operation ? guards.forced : [],
  };
}
