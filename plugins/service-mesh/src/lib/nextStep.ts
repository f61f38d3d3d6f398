import type {
  EntityMeshStatus,
  MeshWarning,
  NamespaceMeshStatus,
  WarningSeverity,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  isRestartableKind,
  MESH_ACTION_LABELS,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { MeshActionIntent } from '../components/ActionDialog';
import { plural } from './rollout';

/** The one action the card leads with, and its button's words. */
export interface NextStep {
  label: string;
  intent: MeshActionIntent;
  /** The namespace it changes. */
  namespace: NamespaceMeshStatus;
  /** Why this is the next step, in a few words. */
  reason: string;
}

function fixOf(
  status: EntityMeshStatus,
  severity: WarningSeverity,
): NextStep | undefined {
  for (const cluster of status.clusters.filter(c => c.reachable)) {
    for (const namespace of cluster.namespaces) {
      const warning = namespace.warnings.find(
        (w): w is MeshWarning & Required<Pick<MeshWarning, 'fix'>> =>
          w.severity === severity && w.fix !== undefined,
      );
      if (warning) {
        return {
          label: warning.fix.title,
          intent: warning.fix,
          namespace,
          reason: `${warning.code}: ${warning.message}`,
        };
      }
    }
  }
  return undefined;
}

function enrollStep(status: EntityMeshStatus): NextStep | undefined {
  for (const cluster of status.clusters.filter(c => c.reachable)) {
    const namespace = cluster.namespaces.find(
      n => n.controlPlane && !n.membership.member && !n.membership.pending,
    );
    if (namespace) {
      const several = status.clusters.flatMap(c => c.namespaces).length > 1;
      return {
        label: several
          ? `${MESH_ACTION_LABELS.enroll}: ${namespace.name}`
          : MESH_ACTION_LABELS.enroll,
        namespace,
        intent: {
          action: 'enroll',
          title: `Enroll ${namespace.name} in the mesh`,
          request: { cluster: cluster.name, namespace: namespace.name },
        },
        reason: `Namespace ${namespace.name} is not in the mesh.`,
      };
    }
  }
  return undefined;
}

function restartStep(status: EntityMeshStatus): NextStep | undefined {
  for (const cluster of status.clusters.filter(c => c.reachable)) {
    for (const namespace of cluster.namespaces) {
      const workloads = namespace.workloads.flatMap(w =>
        w.restartNeeded && isRestartableKind(w.kind)
          ? [{ kind: w.kind, name: w.name }]
          : [],
      );
      if (workloads.length > 0) {
        const count = `${workloads.length} ${plural(
          workloads.length,
          'workload',
        )}`;
        return {
          label: `Restart ${count}`,
          namespace,
          intent: {
            action: 'restart',
            title:
              workloads.length === 1
                ? `Restart ${workloads[0].name}`
                : `Restart ${count} in ${namespace.name}`,
            request: {
              cluster: cluster.name,
              namespace: namespace.name,
              workloads,
            },
          },
          reason: `Running pods differ from what new pods get; a restart brings them in line.`,
        };
      }
    }
  }
  return undefined;
}

/**
 * The single most useful action for the entity, in order: fix an error,
 * join the mesh, restart pods onto the current proxy, fix a warning.
 * Informational findings lead nowhere on their own. Unreachable clusters
 * are skipped: nothing is known there to act on.
 */
export function nextStep(status: EntityMeshStatus): NextStep | undefined {
  return (
    fixOf(status, 'error') ??
    enrollStep(status) ??
    restartStep(status) ??
    fixOf(status, 'warning')
  );
}
