import type { JsonPatchOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { normalizeVersion } from '../../controlPlane';
import { expectedRevisionName } from '../../flavours/sail';
import type { SailIstio, SailIstioRevisionTag } from '../../kube';
import { patchOperation, resourceVersionTest } from '../../plans/operations';
import type { ControlPlaneStep } from '../types';
import { tagsToMove } from './istio';
import { labelledUpgradePlan } from './labelled';
import type { TagMoveDraft, UpgradeFlavourAdapter } from './types';
import { refuseUpgrade } from './types';

/** The `spec.version` change of an `Istio` (RevisionBased), guarded by `test`s. */
function setVersionStep(
  istio: SailIstio,
  version: string,
  awaitRevision: string,
): ControlPlaneStep {
  const patch: JsonPatchOperation[] = [
    ...resourceVersionTest(istio),
    istio.spec.version === undefined
      ? { op: 'add', path: '/spec/version', value: version }
      : { op: 'test', path: '/spec/version', value: istio.spec.version },
  ];
  if (istio.spec.version !== undefined) {
    patch.push({ op: 'replace', path: '/spec/version', value: version });
  }
  return {
    type: 'setVersion',
    resource: {
      apiVersion: istio.apiVersion,
      kind: istio.kind,
      name: istio.metadata.name,
    },
    fromVersion: istio.spec.version,
    toVersion: version,
    operation: patchOperation(
      istio,
      patch,
      `Set Istio ${istio.metadata.name} spec.version ${istio.spec.version} → ${version}; the operator creates IstioRevision ${awaitRevision}`,
    ),
    awaitRevision,
  };
}

/** Points a tag at an IstioRevision by name, or notes that it follows the Istio by itself. */
export function sailTagMove(
  tag: SailIstioRevisionTag,
  fromRevision: string,
  targetRevision: string,
  followsActive: boolean,
): TagMoveDraft {
  const { targetRef } = tag.spec;
  const base = {
    tag: tag.metadata.name,
    fromRevision,
    toRevision: targetRevision,
  };
  if (targetRef.kind === 'Istio' && followsActive) {
    return { ...base, automatic: true };
  }
  const patch: JsonPatchOperation[] = [
    ...resourceVersionTest(tag),
    { op: 'test', path: '/spec/targetRef', value: targetRef },
    {
      op: 'replace',
      path: '/spec/targetRef',
      value: { kind: 'IstioRevision', name: targetRevision },
    },
  ];
  return {
    ...base,
    automatic: false,
    operation: patchOperation(
      tag,
      patch,
      `Point IstioRevisionTag ${tag.metadata.name} at IstioRevision ${targetRevision}`,
    ),
  };
}

/**
 * Sail / OSSM 3: a new version is a `spec.version` change of the `Istio`
 * with the RevisionBased strategy, after which the operator creates the
 * IstioRevision `<istio>-v1-24-3`; the upgrade waits for it to be Ready.
 * A tag whose targetRef is the Istio follows the active revision, so its
 * namespaces move with the version change and need only restarts.
 */
export const sailUpgradeFlavour: UpgradeFlavourAdapter = {
  flavour: 'sail',

  plan({ context, controlPlane, request }) {
    const istio = (context.snapshot.istios ?? []).find(
      i => i.metadata.name === controlPlane.name,
    );
    if (!istio) {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-NO-ISTIO',
        `No Istio resource ${controlPlane.name} on cluster ${context.snapshot.cluster}`,
      );
    }
    const controlPlaneSteps: ControlPlaneStep[] = [];
    let targetRevision: string;
    let targetVersion: string | undefined;
    if (request.target.type === 'version') {
      if (istio.spec.updateStrategy?.type !== 'RevisionBased') {
        return refuseUpgrade(
          'conflict',
          'SM-UPGRADE-SAIL-IN-PLACE',
          `Istio ${istio.metadata.name} uses the InPlace update strategy: a version change would replace istiod under every proxy; set spec.updateStrategy.type to RevisionBased for a canary upgrade`,
        );
      }
      if (
        normalizeVersion(istio.spec.version) ===
        normalizeVersion(request.target.version)
      ) {
        return refuseUpgrade(
          'input',
          'SM-UPGRADE-SAME-VERSION',
          `Istio ${istio.metadata.name} is already at ${istio.spec.version}`,
        );
      }
      targetVersion = normalizeVersion(request.target.version);
      targetRevision = expectedRevisionName({
        ...istio,
        spec: { ...istio.spec, version: request.target.version },
      });
      controlPlaneSteps.push(
        setVersionStep(istio, request.target.version, targetRevision),
      );
    } else {
      targetRevision = request.target.revision;
      const found = controlPlane.revisions.find(r => r.name === targetRevision);
      if (!found) {
        return refuseUpgrade(
          'input',
          'SM-UPGRADE-UNKNOWN-REVISION',
          `Istio ${istio.metadata.name} has no IstioRevision ${targetRevision}`,
        );
      }
      targetVersion = found.version;
    }
    const target = controlPlane.revisions.find(r => r.name === targetRevision);
    // Tags on the Istio follow the active revision, which the version change moves.
    const followsActive =
      request.target.type === 'version' ||
      controlPlane.activeRevision === targetRevision;
    const tags = (context.snapshot.istioRevisionTags ?? []).filter(tag =>
      controlPlane.tags.some(t => t.name === tag.metadata.name),
    );
    const automatic = tags
      .filter(
        t =>
          t.spec.targetRef.kind === 'Istio' &&
          followsActive &&
          controlPlane.tags.find(c => c.name === t.metadata.name)?.revision ===
            request.fromRevision,
      )
      .map(t => t.metadata.name);
    const canaryTag = request.options.canary?.tag;
    const tagMoves: TagMoveDraft[] = [];
    for (const name of tagsToMove(canaryTag, [
      ...request.options.moveTags,
      ...automatic,
    ])) {
      const tag = tags.find(t => t.metadata.name === name);
      const current = controlPlane.tags.find(t => t.name === name);
      if (!tag || !current) {
        return refuseUpgrade(
          'input',
          'SM-UPGRADE-UNKNOWN-TAG',
          `No IstioRevisionTag ${name} for Istio ${istio.metadata.name}`,
        );
      }
      if (current.revision !== targetRevision) {
        tagMoves.push(
          sailTagMove(tag, current.revision, targetRevision, followsActive),
        );
      }
    }
    return labelledUpgradePlan(
      { context, controlPlane, request },
      { targetRevision, targetVersion, target, controlPlaneSteps, tagMoves },
      automatic,
    );
  },
};
