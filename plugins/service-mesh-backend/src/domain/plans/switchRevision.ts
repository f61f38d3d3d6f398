import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  SwitchRevisionRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import { revisionRouting } from '../controlPlane';
import {
  checkInjectorReady,
  checkRevisionExists,
  checkRevisionName,
  runGuards,
} from '../guards';
import { resolveRevision } from '../injection';
import type { MeshContext } from '../mesh';
import { prepareNamespaceAction } from './enroll';
import { labelPatch } from './operations';
import { PlanOutcome, refused } from './outcome';

/**
 * Points a namespace at a revision or tag: sets `istio.io/rev` and removes
 * `istio-injection` in the same patch, since `istio-injection` would win.
 * Pods move on their next restart.
 */
export function planSwitchRevision(
  context: MeshContext,
  request: SwitchRevisionRequest,
): PlanOutcome {
  const revisionName = checkRevisionName(request.revision);
  if (!revisionName.ok) {
    return revisionName;
  }
  const prepared = prepareNamespaceAction(context, request);
  if (!prepared.ok) {
    return prepared;
  }
  const { namespace, controlPlane } = prepared;
  if (controlPlane.flavour === 'ossm2') {
    return refused(
      'input',
      'SM-SWITCH-OSSM2',
      `${namespace.metadata.name} is served by OpenShift Service Mesh 2, which has no revisions to switch; move it to another control plane's member roll instead`,
    );
  }
  if (controlPlane.injector) {
    return refused(
      'input',
      'SM-SWITCH-NO-REVISIONS',
      `${namespace.metadata.name} is served by a control plane from before istiod (${controlPlane.flavour}), which has no revisions to switch`,
    );
  }
  const labelled = context.controlPlanes.filter(cp => cp.flavour !== 'ossm2');
  const resolved = resolveRevision(request.revision, revisionRouting(labelled));
  const guards = runGuards(
    [
      () => checkRevisionExists(labelled, request.revision),
      () =>
        resolved
          ? checkInjectorReady(labelled, resolved.revision)
          : { ok: true as const },
    ],
    request.force,
  );
  if (!guards.ok) {
    return guards;
  }
  const wanted = {
    [ISTIO_REVISION_LABEL]: request.revision,
    [ISTIO_INJECTION_LABEL]: null,
  };
  const operation = labelPatch(
    namespace,
    wanted,
    words =>
      `Namespace ${namespace.metadata.name}: ${words}; pods move to ${request.revision} when restarted`,
  );
  return {
    ok: true,
    change: { operations: operation ? [operation] : [] },
    forced: operation ? guards.forced : [],
  };
}
