import { ISTIO_REVISION_LABEL } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, StoreEvent } from '../../apiserver/types';
import {
  ISTIOS,
  ISTIO_CNIS,
  ISTIO_REVISIONS,
  ISTIO_REVISION_TAGS,
} from '../../meshCrds';
import { MANAGED_BY_LABEL, NAMESPACES, PODS, listIfServed } from '../common';
import { Reconciler, queueKey, reconcileQueue } from '../workQueue';
import { cniController } from './cni';
import { istioController } from './istio';
import { OPERATOR, SailContext, SailControllerOptions, TagSpec } from './model';
import { revisionController } from './revision';
import { revisionTagController } from './revisionTag';
import { RevisionUsage } from './usage';

export type { SailControllerOptions } from './model';
export { revisionNameFor } from './model';

/**
 * The Sail operator (OpenShift Service Mesh 3), simulated: `Istio` →
 * `IstioRevision`s by update strategy, with old RevisionBased revisions
 * removed once no pod or namespace uses them and the grace period passed;
 * `IstioRevision` → istiod, its webhooks and mesh config (discovery
 * selectors); `IstioRevisionTag` → a tag webhook following its target;
 * `IstioCNI` → the CNI node agent DaemonSet. One reconciler per kind, on
 * one queue; the routing below says which changes wake which.
 */
export function startSailController(
  api: ClusterApi,
  options: SailControllerOptions = {},
): () => void {
  // Filled below, once the reconcilers have the queue.
  const reconcilers: Record<string, Reconciler> = {};
  const queue = reconcileQueue(reconcilers);
  const tagTargets = new Map<string, string>();
  const revisionOwner = new Map<string, string>();
  const wakeRevision = (revision: string) => {
    queue.add(queueKey('IstioRevision', undefined, revision));
    const owner = revisionOwner.get(revision);
    if (owner) queue.add(queueKey('Istio', undefined, owner));
  };
  /** A revision or tag whose use started or stopped: its InUse changes. */
  const usageChanged = (value: string) => {
    for (const revision of new Set([value, tagTargets.get(value)])) {
      if (revision) wakeRevision(revision);
    }
    if (tagTargets.has(value)) {
      queue.add(queueKey('IstioRevisionTag', undefined, value));
    }
  };
  const ctx: SailContext = {
    api,
    queue,
    options,
    usage: new RevisionUsage(tagTargets, usageChanged),
    tagTargets,
    revisionOwner,
    wakeRevision,
  };
  Object.assign(reconcilers, {
    Istio: istioController(ctx),
    IstioRevision: revisionController(ctx),
    IstioRevisionTag: revisionTagController(ctx),
    IstioCNI: cniController(ctx),
  } satisfies Record<string, Reconciler>);

  const onEvent = (event: StoreEvent) => {
    const { group, plural } = event.resource;
    const object = event.object;
    const name = object.metadata.name!;
    if (group === 'sailoperator.io') {
      if (plural === ISTIOS.plural) {
        queue.add(`Istio/${name}`);
        for (const tag of listIfServed(api, ISTIO_REVISION_TAGS)) {
          const ref = (tag.spec as TagSpec)?.targetRef;
          if (ref?.kind === 'Istio' && ref.name === name) {
            queue.add(`IstioRevisionTag/${tag.metadata.name}`);
          }
        }
      } else if (plural === ISTIO_REVISIONS.plural) {
        queue.add(`IstioRevision/${name}`);
        const owner = object.metadata.ownerReferences?.find(
          o => o.kind === 'Istio',
        );
        if (owner) queue.add(`Istio/${owner.name}`);
        for (const [tag, target] of tagTargets) {
          if (target === name) queue.add(`IstioRevisionTag/${tag}`);
        }
      } else if (plural === ISTIO_REVISION_TAGS.plural) {
        queue.add(`IstioRevisionTag/${name}`);
      } else if (plural === ISTIO_CNIS.plural) {
        queue.add(`IstioCNI/${name}`);
      }
    } else if (group === '' && plural === PODS.plural) {
      ctx.usage.observePod(event);
    } else if (group === '' && plural === NAMESPACES.plural) {
      ctx.usage.observeNamespace(event);
    } else if (
      group === 'apps' &&
      plural === 'deployments' &&
      object.metadata.labels?.[MANAGED_BY_LABEL] === OPERATOR &&
      object.metadata.labels?.app === 'istiod'
    ) {
      const revision = object.metadata.labels[ISTIO_REVISION_LABEL];
      if (revision) wakeRevision(revision);
    } else if (
      group === 'apps' &&
      plural === 'daemonsets' &&
      name === 'istio-cni-node'
    ) {
      const owner = object.metadata.ownerReferences?.find(
        o => o.kind === 'IstioCNI',
      );
      if (owner) queue.add(`IstioCNI/${owner.name}`);
    }
  };

  const unsubscribe = api.subscribe(onEvent);
  for (const ns of api.list(NAMESPACES)) {
    ctx.usage.observeNamespace({ type: 'ADDED', object: ns });
  }
  for (const pod of api.list(PODS)) {
    ctx.usage.observePod({ type: 'ADDED', object: pod });
  }
  for (const [ref, kind] of [
    [ISTIOS, 'Istio'],
    [ISTIO_REVISIONS, 'IstioRevision'],
    [ISTIO_REVISION_TAGS, 'IstioRevisionTag'],
    [ISTIO_CNIS, 'IstioCNI'],
  ] as const) {
    for (const object of listIfServed(api, ref)) {
      queue.add(`${kind}/${object.metadata.name}`);
    }
  }

  return () => {
    unsubscribe();
    queue.stop();
  };
}
