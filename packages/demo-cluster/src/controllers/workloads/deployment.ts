import { KubeObject } from '../../apiserver/types';
import {
  CRASH_LOOP_ANNOTATION,
  Condition,
  DEPLOYMENTS,
  EventRecorder,
  REPLICA_SETS,
  condition,
  deleteIfExists,
  ownerReference,
  rfc3339,
  shortHash,
  writeStatus,
} from '../common';
import { WorkloadsContext } from './context';
import { specOf } from './types';

const POD_TEMPLATE_HASH = 'pod-template-hash';
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
}

/**
 * The Deployment controller: a ReplicaSet per pod template (named by its
 * hash), rolled by scaling the new one up and old ones down as new pods get
 * ready, with revision history and Available/Progressing/ReplicaFailure
 * conditions summed from the ReplicaSets.
 */
export function deploymentController(ctx: WorkloadsContext) {
  const { api, informer, settings } = ctx;
  const events = new EventRecorder(api, 'deployment-controller');

  return function reconcileDeployment(ns: string | undefined, name: string) {
    const deployment = informer.get(DEPLOYMENTS, ns, name);
    if (!deployment) return;
    const spec = specOf(deployment);
    const desired = spec.replicas ?? 1;
    const template = spec.template ?? {};
    const hash = shortHash(template);
    let replicaSets = informer.children(deployment.metadata.uid!, REPLICA_SETS);
    const maxRevision = Math.max(0, ...replicaSets.map(revisionOf));
    let current = replicaSets.find(
      rs => rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash,
    );

    if (!current) {
      const labels = {
        ...template.metadata?.labels,
        [POD_TEMPLATE_HASH]: hash,
      };
      const crashLoop =
        deployment.metadata.annotations?.[CRASH_LOOP_ANNOTATION];
      current = api.create(REPLICA_SETS, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels,
          annotations: {
            [REVISION_ANNOTATION]: String(maxRevision + 1),
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired * 2),
            ...(crashLoop ? { [CRASH_LOOP_ANNOTATION]: crashLoop } : {}),
          },
          ownerReferences: [ownerReference(deployment)],
        },
        spec: {
          replicas: desired,
          selector: {
            matchLabels: {
              ...spec.selector?.matchLabels,
              [POD_TEMPLATE_HASH]: hash,
            },
          },
          template: {
            metadata: { ...template.metadata, labels },
            spec: template.spec,
          },
        },
      });
      replicaSets = [...replicaSets, current];
      if (settings.recordNormalEvents) {
        events.record(
          deployment,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${current.metadata.name} to ${desired}`,
        );
      }
    } else if (
      specOf(current).replicas !== desired ||
      revisionOf(current) < maxRevision
    ) {
      // Scaled, or rolled back to an older template, which then becomes the
      // newest revision.
      current = api.update(REPLICA_SETS, {
        ...current,
        metadata: {
          ...current.metadata,
          annotations: {
            ...current.metadata.annotations,
            [REVISION_ANNOTATION]: String(
              revisionOf(current) < maxRevision
                ? maxRevision + 1
                : revisionOf(current),
            ),
          },
        },
        spec: { ...(current.spec as object), replicas: desired },
      });
    }

    // Old ReplicaSets keep only as many pods as the new one still lacks
    // ready ones: new pods come up, then old ones go.
    const currentName = current.metadata.name;
    const newReady =
      ((current.status ?? {}) as { readyReplicas?: number }).readyReplicas ?? 0;
    let allowance = Math.max(0, desired - newReady);
    const old = replicaSets
      .filter(rs => rs.metadata.name !== currentName)
      .sort((a, b) => revisionOf(b) - revisionOf(a));
    for (const rs of old) {
      const replicas = specOf(rs).replicas ?? 0;
      const target = Math.min(replicas, allowance);
      allowance -= target;
      if (target !== replicas) {
        api.update(REPLICA_SETS, {
          ...rs,
          spec: { ...(rs.spec as object), replicas: target },
        });
        if (settings.recordNormalEvents) {
          events.record(
            deployment,
            'Normal',
            'ScalingReplicaSet',
            `Scaled down replica set ${rs.metadata.name} to ${target} from ${replicas}`,
          );
        }
      }
    }
    // Keep revisionHistoryLimit old, scaled-down ReplicaSets.
    const limit = spec.revisionHistoryLimit ?? 10;
    const idle = old.filter(
      rs =>
        (specOf(rs).replicas ?? 0) === 0 &&
        ((rs.status as { replicas?: number })?.replicas ?? 0) === 0,
    );
    for (const rs of idle.slice(limit)) {
      deleteIfExists(api, REPLICA_SETS, ns, rs.metadata.name!);
    }

    const statuses = replicaSets.map(
      rs =>
        (rs.metadata.name === currentName ? current! : rs).status as
          | {
              replicas?: number;
              readyReplicas?: number;
              availableReplicas?: number;
              conditions?: Condition[];
            }
          | undefined,
    );
    const sum = (field: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
      statuses.reduce((total, s) => total + (s?.[field] ?? 0), 0);
    const currentStatus = (current.status ?? {}) as {
      replicas?: number;
      availableReplicas?: number;
      conditions?: Condition[];
    };
    const replicas = sum('replicas');
    const available = sum('availableReplicas');
    const updated = currentStatus.replicas ?? 0;
    const maxUnavailable = resolvePercent(
      spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
      desired,
    );
    const previous = (deployment.status ?? {}) as { conditions?: Condition[] };
    const complete =
      updated === desired &&
      replicas === desired &&
      (currentStatus.availableReplicas ?? 0) === desired;
    const failure = currentStatus.conditions?.find(
      c => c.type === 'ReplicaFailure' && c.status === 'True',
    );
    const conditions = [
      withUpdateTime(
        previous.conditions,
        available >= desired - maxUnavailable
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
      ),
      withUpdateTime(previous.conditions, {
        type: 'Progressing',
        status: 'True',
        ...(complete
          ? {
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${currentName}" has successfully progressed.`,
            }
          : {
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${currentName}" is progressing.`,
            }),
      }),
      ...(failure
        ? [
            withUpdateTime(previous.conditions, {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: failure.message,
            }),
          ]
        : []),
    ];
    writeStatus(api, DEPLOYMENTS, deployment, {
      observedGeneration: deployment.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      ...(replicas - available > 0
        ? { unavailableReplicas: replicas - available }
        : {}),
      conditions,
    });
  };
}

function resolvePercent(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  return match
    ? Math.floor((Number(match[1]) * total) / 100)
    : Number(value) || 0;
}

/** Deployment conditions also carry lastUpdateTime, bumped when the reason changes. */
function withUpdateTime(
  previous: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
): Condition {
  const before = previous?.find(c => c.type === next.type);
  const made = condition(previous, next);
  const unchanged =
    before && before.reason === next.reason && before.message === next.message;
  return {
    ...made,
    lastUpdateTime: (unchanged && before?.lastUpdateTime) || rfc3339(),
  };
}
