import { ISTIOS, ISTIO_REVISIONS, ISTIO_REVISION_TAGS } from '../../meshCrds';
import { Condition, condition, ownerReference, writeStatus } from '../common';
import { applyRevisionTag, deleteRevisionTag } from '../istiod';
import {
  OPERATOR,
  RevisionSpec,
  SailContext,
  TagSpec,
  inUseCondition,
  sailConditions,
} from './model';

/**
 * `IstioRevisionTag` → a tag webhook (`istio.io/rev=<tag>`) injecting with
 * the revision its target names: an IstioRevision, or an Istio's active
 * revision. A retarget wakes both revisions, whose use changes.
 */
export function revisionTagController(ctx: SailContext) {
  const { api, usage, tagTargets, wakeRevision } = ctx;

  return function reconcileTag(_: string | undefined, name: string) {
    const tag = api.get(ISTIO_REVISION_TAGS, undefined, name);
    if (!tag) {
      tagTargets.delete(name);
      deleteRevisionTag(api, name);
      return;
    }
    const target = (tag.spec as TagSpec)?.targetRef ?? {};
    const revisionName =
      target.kind === 'Istio'
        ? (
            (api.get(ISTIOS, undefined, target.name ?? '')?.status ?? {}) as {
              activeRevisionName?: string;
            }
          ).activeRevisionName
        : target.name;
    const revision =
      revisionName && api.get(ISTIO_REVISIONS, undefined, revisionName);
    const previous = (tag.status ?? {}) as { conditions?: Condition[] };
    if (!revision) {
      writeStatus(api, ISTIO_REVISION_TAGS, tag, {
        observedGeneration: tag.metadata.generation,
        istioRevision: revisionName ?? '',
        istiodNamespace: '',
        conditions: [
          condition(previous.conditions, {
            type: 'Reconciled',
            status: 'False',
            reason: 'ReconcileError',
            message: `target ${target.kind} "${target.name}" not found`,
          }),
        ],
        state: 'ReconcileError',
      });
      return;
    }
    const previousTarget = tagTargets.get(name);
    tagTargets.set(name, revisionName!);
    if (previousTarget !== revisionName) {
      for (const rev of [previousTarget, revisionName]) {
        if (rev) wakeRevision(rev);
      }
    }
    const namespace =
      (revision.spec as RevisionSpec).namespace ?? 'istio-system';
    applyRevisionTag(api, {
      tag: name,
      revision: revisionName!,
      namespace,
      managedBy: OPERATOR,
      ownerReferences: [ownerReference(tag)],
    });
    writeStatus(api, ISTIO_REVISION_TAGS, tag, {
      observedGeneration: tag.metadata.generation,
      istioRevision: revisionName,
      istiodNamespace: namespace,
      conditions: [
        ...sailConditions(previous.conditions),
        condition(previous.conditions, inUseCondition(usage.tagInUse(name))),
      ],
      state: 'Healthy',
    });
  };
}
