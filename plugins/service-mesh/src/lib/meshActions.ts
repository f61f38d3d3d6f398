import {
  INJECTION_ACTION_LABELS,
  InjectionSetting,
  isRestartableKind,
  MESH_ACTION_LABELS,
  type NamespaceMeshStatus,
  type WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { MeshActionIntent } from '../components/ActionDialog/meshActionIntent';
import type { ActionPermission } from '../hooks/useMeshPermissions';

/*
 * Which actions a namespace is offered, decided from its status alone: only
 * those that would change something, each under its one name
 * (MESH_ACTION_LABELS), and never two that do the same thing.
 */

/** An action to offer: its button label and the intent it opens. */
export interface OfferedAction {
  label: string;
  intent: MeshActionIntent;
}

/** The workloads a rollout restart would replace pods of. */
export function restartableWorkloads(
  namespace: NamespaceMeshStatus,
): WorkloadRef[] {
  return namespace.workloads
    .filter(w => w.pods > 0)
    .flatMap(w =>
      isRestartableKind(w.kind) ? [{ kind: w.kind, name: w.name }] : [],
    );
}

/**
 * The injection settings that would change something. On the label
 * flavours, enabling is what "Enroll in mesh" does and removing a setting
 * from an injected namespace is what "Remove from mesh" does, so those are
 * not offered twice: disabling is offered where `istio-injection` is
 * enabled, removing the setting where it is disabled.
 * Per workload (OSSM 2), each setting is offered while some workload's
 * annotation differs.
 */
export function changingInjectionSettings(
  namespace: NamespaceMeshStatus,
): InjectionSetting[] {
  const { injection, membership } = namespace;
  if (injection.perWorkload) {
    const annotations = namespace.workloads
      .filter(w => isRestartableKind(w.kind))
      .map(w => w.injectAnnotation);
    const inMesh = membership.member || membership.pending;
    return [
      ...(inMesh && annotations.some(a => a !== 'true')
        ? (['enabled'] as const)
        : []),
      ...(annotations.some(a => a === 'true') ? (['disabled'] as const) : []),
      ...(annotations.some(a => a !== undefined) ? (['removed'] as const) : []),
    ];
  }
  if (injection.mode === 'enabled') {
    return ['disabled'];
  }
  if (injection.mode === 'disabled') {
    return ['removed'];
  }
  return [];
}

/**
 * The revisions and tags a namespace can switch to: all but the one its
 * `istio.io/rev` already names (when no `istio-injection` overrides it).
 */
export function revisionSwitchChoices(
  namespace: NamespaceMeshStatus,
): Array<{ value: string; label: string }> {
  const { controlPlane, injection } = namespace;
  if (!controlPlane || injection.perWorkload) return [];
  // Before istiod (Istio 1.0–1.4) there is one unnamed revision, nothing to switch to.
  if (controlPlane.flavour === 'istioLegacy') return [];
  const current =
    injection.mode === 'unset' ? injection.revisionLabel : undefined;
  return [
    ...controlPlane.revisions.map(r => ({
      value: r.name,
      label: `Revision ${r.name}${r.version ? ` (${r.version})` : ''}`,
    })),
    ...controlPlane.tags.map(t => ({
      value: t.name,
      label: `Tag ${t.name} → ${t.revision}`,
    })),
  ].filter(choice => choice.value !== current);
}

/**
 * Adds "and restart the workloads" to an intent whose change reaches
 * running pods only when they restart (enrolling, leaving, switching
 * revision, a namespace injection label). The restart stays its own
 * action: its own dry run, permission, audit event and errors.
 */
export function withRestartOffer(
  intent: MeshActionIntent,
  namespace: NamespaceMeshStatus,
  permission: ActionPermission,
): MeshActionIntent {
  const rollsItself =
    intent.action === 'setInjection' && namespace.injection.perWorkload;
  const workloads = restartableWorkloads(namespace);
  if (
    !['enroll', 'unenroll', 'switchRevision', 'setInjection'].includes(
      intent.action,
    ) ||
    rollsItself ||
    workloads.length === 0
  ) {
    return intent;
  }
  return {
    ...intent,
    restart: {
      intent: {
        action: 'restart',
        title: `Restart workloads in ${intent.request.namespace}`,
        request: {
          cluster: intent.request.cluster,
          namespace: intent.request.namespace,
          workloads,
        },
      },
      permission,
    },
  };
}

/**
 * The membership and injection actions that would change something in a
 * namespace, in the order they are shown, each with the restart offered
 * where running pods need one.
 */
export function offeredNamespaceActions(
  cluster: string,
  namespace: NamespaceMeshStatus,
  restartPermission: ActionPermission,
): OfferedAction[] {
  if (!namespace.controlPlane) return [];
  const ns = namespace.name;
  const base = { cluster, namespace: ns };
  const { membership } = namespace;
  const offered: OfferedAction[] = [];
  const offer = (label: string, intent: MeshActionIntent) =>
    offered.push({
      label,
      intent: withRestartOffer(intent, namespace, restartPermission),
    });

  if (!membership.member && !membership.pending) {
    offer(MESH_ACTION_LABELS.enroll, {
      action: 'enroll',
      title: `Enroll ${ns} in the mesh`,
      request: base,
    });
  } else if (membership.via !== 'memberSelector') {
    // A namespace picked by a member selector leaves by its labels, not by us.
    offer(MESH_ACTION_LABELS.unenroll, {
      action: 'unenroll',
      title: `Remove ${ns} from the mesh`,
      request: base,
    });
  }
  for (const setting of changingInjectionSettings(namespace)) {
    const label = INJECTION_ACTION_LABELS[setting];
    offer(label, {
      action: 'setInjection',
      title: `${label} in ${ns}`,
      request: { ...base, injection: setting },
    });
  }
  if (restartableWorkloads(namespace).length > 0) {
    offered.push({
      label: MESH_ACTION_LABELS.restart,
      intent: {
        action: 'restart',
        title: `Restart workloads in ${ns}`,
        request: base,
      },
    });
  }
  return offered;
}
