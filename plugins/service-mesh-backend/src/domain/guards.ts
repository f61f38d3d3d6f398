import {
  isDns1123Label,
  labelValueProblem,
} from '@mesh-backstage/plugin-service-mesh-common';
import { injectorOutage, injectorWayOut } from './flavours/legacyLayout';
import { isIgnoredByMesh, NEVER_INJECTED_NAMESPACES } from './injection';
import type { ControlPlaneModel } from './controlPlane';
import type { MutatingWebhookConfiguration, Namespace } from './kube';

/**
 * Why an action may not go ahead, as plain data; the service layer turns
 * it into the HTTP error (`service/guardErrors.ts`):
 * - `notAllowed`: never, whoever asks (403);
 * - `conflict`: not in the current state of the cluster (409); `forceable`
 *   ones go ahead when the request says `force` and the caller holds the
 *   force permission;
 * - `input`: the request itself is wrong (400).
 */
export interface Refusal {
  kind: 'notAllowed' | 'conflict' | 'input';
  /** Stable code, such as `SM-GUARD-SYSTEM-NAMESPACE`. */
  code: string;
  message: string;
  forceable: boolean;
}

export type GuardResult = { ok: true } | { ok: false; refusal: Refusal };

const OK: GuardResult = { ok: true };

function refuse(
  kind: Refusal['kind'],
  code: string,
  message: string,
  forceable = false,
): GuardResult {
  return { ok: false, refusal: { kind, code, message, forceable } };
}

/** Namespace names must be DNS-1123 labels. */
export function checkNamespaceName(name: unknown): GuardResult {
  if (typeof name !== 'string' || !isDns1123Label(name)) {
    return refuse(
      'input',
      'SM-INPUT-NAMESPACE',
      `'${String(
        name,
      )}' is not a valid namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return OK;
}

/** Revision and tag names end up as `istio.io/rev` label values. */
export function checkRevisionName(name: unknown): GuardResult {
  if (
    typeof name !== 'string' ||
    name === '' ||
    labelValueProblem('istio.io/rev', name) !== undefined
  ) {
    return refuse(
      'input',
      'SM-INPUT-REVISION',
      `'${String(name)}' is not a valid revision or tag name`,
    );
  }
  return OK;
}

/**
 * Namespaces no action may touch: Kubernetes' own, control-plane
 * namespaces, and namespaces labelled to be ignored by the mesh.
 */
export function checkNamespaceAllowed(
  namespace: Namespace,
  controlPlanes: ControlPlaneModel[],
): GuardResult {
  const name = namespace.metadata.name;
  if (NEVER_INJECTED_NAMESPACES.includes(name)) {
    return refuse(
      'notAllowed',
      'SM-GUARD-SYSTEM-NAMESPACE',
      `${name} is a Kubernetes system namespace; the mesh never injects it`,
    );
  }
  if (controlPlanes.some(cp => cp.namespace === name)) {
    return refuse(
      'notAllowed',
      'SM-GUARD-CONTROL-PLANE-NAMESPACE',
      `${name} holds a mesh control plane; it is managed by the mesh operator, not through self-service`,
    );
  }
  if (isIgnoredByMesh(namespace.metadata.labels ?? {})) {
    return refuse(
      'notAllowed',
      'SM-GUARD-IGNORED-NAMESPACE',
      `${name} is labelled to be ignored by the mesh (istio.openshift.com/ignore-namespace or maistra.io/ignore-namespace)`,
    );
  }
  return OK;
}

/**
 * A revision or tag to switch to must exist. Forceable: the platform team
 * may label a namespace ahead of installing the revision.
 */
export function checkRevisionExists(
  controlPlanes: ControlPlaneModel[],
  revisionOrTag: string,
): GuardResult {
  const exists = controlPlanes.some(
    cp =>
      cp.revisions.some(r => r.name === revisionOrTag) ||
      cp.tags.some(t => t.name === revisionOrTag),
  );
  if (!exists) {
    const known = controlPlanes.flatMap(cp => [
      ...cp.revisions.map(r => r.name),
      ...cp.tags.map(t => t.name),
    ]);
    return refuse(
      'conflict',
      'SM-GUARD-UNKNOWN-REVISION',
      `No revision or tag named '${revisionOrTag}' exists on the cluster (known: ${
        known.join(', ') || 'none'
      }); pods created in the namespace would get no sidecar`,
      true,
    );
  }
  return OK;
}

/**
 * While a revision's injector is down, its webhook (failurePolicy Fail)
 * rejects every new pod in the namespaces it serves.
 */
export function checkInjectorReady(
  controlPlanes: ControlPlaneModel[],
  revision: string,
): GuardResult {
  const found = controlPlanes
    .flatMap(cp => cp.revisions)
    .find(r => r.name === revision);
  if (found && !found.injectorReady) {
    return refuse(
      'conflict',
      'SM-GUARD-INJECTOR-NOT-READY',
      `The injector of revision '${revision}' is not ready: new pods in the namespace would fail to start until it is`,
      true,
    );
  }
  return OK;
}

/**
 * Before istiod the injector is a Deployment of its own, and a restart
 * replaces every pod. Forceable refusals:
 * - the injector is down while its webhook (failurePolicy Fail) takes the
 *   namespace's pods: the new pods are rejected and the rollout stalls;
 * - the injector's webhook configuration is gone while the pods have
 *   sidecars: they come back without one.
 */
export function checkRestartWontStall(
  controlPlane: ControlPlaneModel | undefined,
  namespace: Namespace,
  webhookConfigurations: MutatingWebhookConfiguration[],
  podsWithSidecar: number,
): GuardResult {
  const injector = controlPlane?.injector;
  const outage = injectorOutage(injector, namespace, webhookConfigurations);
  const name = namespace.metadata.name;
  const where = `${injector?.service} in ${injector?.namespace}`;
  if (outage === 'webhookGone' && podsWithSidecar > 0) {
    return refuse(
      'conflict',
      'SM-GUARD-WEBHOOK-MISSING',
      `The MutatingWebhookConfiguration calling ${where} is gone, so the restarted pods of ${name} would come back without a sidecar; restore the webhook configuration (reinstall the control plane) first`,
      true,
    );
  }
  if (outage === 'injectorDown') {
    return refuse(
      'conflict',
      'SM-GUARD-INJECTOR-DOWN',
      `${where} is not ready and its webhook (failurePolicy Fail) takes every new pod of ${name}: the restarted pods would be rejected (failed calling admission webhook "sidecar-injector.istio.io": connection refused) and the rollout would stall. Way out: ${injectorWayOut(
        controlPlane!,
      )}`,
      true,
    );
  }
  return OK;
}

/**
 * Runs guards in order. Forceable refusals are collected instead of
 * stopping when `force` is set, so the caller can demand the force
 * permission only when force actually mattered.
 */
export function runGuards(
  guards: (() => GuardResult)[],
  force: boolean | undefined,
): { ok: true; forced: Refusal[] } | { ok: false; refusal: Refusal } {
  const forced: Refusal[] = [];
  for (const guard of guards) {
    const result = guard();
    if (!result.ok) {
      if (force && result.refusal.forceable) {
        forced.push(result.refusal);
      } else {
        return result;
      }
    }
  }
  return { ok: true, forced };
}
