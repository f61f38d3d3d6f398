import {
  ISTIO_TAG_LABEL,
  JsonPatchOperation,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel } from '../../controlPlane';
import { isInjectionWebhook } from '../../injection';
import type { MutatingWebhookConfiguration } from '../../kube';
import {
  escapePointer,
  patchOperation,
  resourceVersionTest,
} from '../../plans/operations';
import type { ClusterSnapshot } from '../../snapshot';
import { labelledUpgradePlan } from './labelled';
import type { TagMoveDraft, UpgradeFlavourAdapter } from './types';
import { refuseUpgrade } from './types';

/** The tags the upgrade moves: the canary tag first, then those asked for. */
export function tagsToMove(
  canaryTag: string | undefined,
  moveTags: string[],
): string[] {
  return [...new Set([...(canaryTag ? [canaryTag] : []), ...moveTags])];
}

/**
 * `istioctl tag set <tag> --revision <target> --overwrite` as a JSON Patch of
 * the tag's webhook configuration: its `istio.io/rev` label and the istiod
 * service each injection webhook calls, each guarded by a `test`.
 */
export function tagWebhookPatch(
  config: MutatingWebhookConfiguration,
  fromRevision: string,
  targetRevision: string,
  targetService: string,
): JsonPatchOperation[] {
  const patch: JsonPatchOperation[] = [
    ...resourceVersionTest(config),
    {
      op: 'test',
      path: `/metadata/labels/${escapePointer('istio.io/rev')}`,
      value: fromRevision,
    },
    {
      op: 'replace',
      path: `/metadata/labels/${escapePointer('istio.io/rev')}`,
      value: targetRevision,
    },
  ];
  (config.webhooks ?? []).forEach((webhook, index) => {
    const service = webhook.clientConfig?.service;
    if (
      isInjectionWebhook(webhook) &&
      service &&
      service.name !== targetService
    ) {
      const path = `/webhooks/${index}/clientConfig/service/name`;
      patch.push(
        { op: 'test', path, value: service.name },
        { op: 'replace', path, value: targetService },
      );
    }
  });
  return patch;
}

/** The move of an upstream tag's webhook configuration to a revision, from the objects as they are now. */
export function istioTagMove(
  snapshot: ClusterSnapshot,
  controlPlane: ControlPlaneModel,
  tag: string,
  targetRevision: string,
): TagMoveDraft | undefined | 'unknown' {
  const current = controlPlane.tags.find(t => t.name === tag);
  const config = snapshot.mutatingWebhookConfigurations.find(
    c => c.metadata.labels?.[ISTIO_TAG_LABEL] === tag,
  );
  if (!current || !config) {
    return 'unknown';
  }
  if (current.revision === targetRevision) {
    return undefined;
  }
  const target = controlPlane.revisions.find(r => r.name === targetRevision);
  const service =
    target?.istiodDeployment ??
    (targetRevision === 'default' ? 'istiod' : `istiod-${targetRevision}`);
  return {
    tag,
    fromRevision: current.revision,
    toRevision: targetRevision,
    automatic: false,
    operation: patchOperation(
      config,
      tagWebhookPatch(config, current.revision, targetRevision, service),
      `Move revision tag ${tag} from ${current.revision} to ${targetRevision} (webhook configuration ${config.metadata.name})`,
    ),
  };
}

/**
 * Upstream Istio: the target is a revision installed beside the old one.
 * Canary namespaces are relabelled to the target (or a canary tag moved to
 * it first); namespaces on tags follow the tags when they move, just before
 * their batches; the rest are relabelled batch by batch.
 */
export const istioUpgradeFlavour: UpgradeFlavourAdapter = {
  flavour: 'istio',

  plan({ context, controlPlane, request }) {
    if (request.target.type !== 'revision') {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-TARGET-TYPE',
        'Upstream Istio upgrades to a revision installed beside the old one: give target.revision',
      );
    }
    const targetRevision = request.target.revision;
    const target = controlPlane.revisions.find(r => r.name === targetRevision);
    if (!target) {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-UNKNOWN-REVISION',
        `Control plane ${
          controlPlane.namespace
        } has no revision ${targetRevision} (known: ${controlPlane.revisions
          .map(r => r.name)
          .join(', ')})`,
      );
    }
    const canaryTag = request.options.canary?.tag;
    const tagMoves: TagMoveDraft[] = [];
    for (const tag of tagsToMove(canaryTag, request.options.moveTags)) {
      const move = istioTagMove(
        context.snapshot,
        controlPlane,
        tag,
        targetRevision,
      );
      if (move === 'unknown') {
        return refuseUpgrade(
          'input',
          'SM-UPGRADE-UNKNOWN-TAG',
          `No revision tag ${tag} on control plane ${controlPlane.namespace}`,
        );
      }
      if (move) {
        tagMoves.push(move);
      }
    }
    return labelledUpgradePlan(
      { context, controlPlane, request },
      {
        targetRevision,
        targetVersion: target.version,
        target,
        controlPlaneSteps: [],
        tagMoves,
      },
    );
  },
};
