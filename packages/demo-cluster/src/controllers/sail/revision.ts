import { ISTIO_REVISIONS } from '../../meshCrds';
import {
  Condition,
  condition,
  ensureNamespace,
  ownerReference,
  writeStatus,
} from '../common';
import { applyControlPlaneRevision } from '../istiod';
import {
  DEFAULT_VERSION,
  OPERATOR,
  RevisionSpec,
  SailContext,
  inUseCondition,
  istiodReady,
  sailConditions,
} from './model';

/**
 * `IstioRevision` → istiod, its injection webhooks and mesh config
 * (discovery selectors) in the revision's namespace; status follows istiod
 * and whether pods or namespaces use the revision.
 */
export function revisionController(ctx: SailContext) {
  const { api, options, usage } = ctx;

  return function reconcileRevision(_: string | undefined, name: string) {
    const rev = api.get(ISTIO_REVISIONS, undefined, name);
    if (!rev) return; // Its istiod objects are owned by it and collected.
    const spec = (rev.spec ?? {}) as RevisionSpec;
    const namespace = spec.namespace ?? 'istio-system';
    const values = spec.values ?? {};
    ensureNamespace(api, namespace);
    applyControlPlaneRevision(api, {
      namespace,
      revision: name,
      version: (spec.version ?? DEFAULT_VERSION).replace(/^v/, ''),
      hub: values.global?.hub ?? options.hub ?? 'docker.io/istio',
      nativeSidecars: values.pilot?.env?.ENABLE_NATIVE_SIDECARS === 'true',
      cni: values.pilot?.cni?.enabled === true,
      discoverySelectors: values.meshConfig?.discoverySelectors,
      managedBy: OPERATOR,
      ownerReferences: [ownerReference(rev)],
    });
    const ready = istiodReady(api, namespace, name);
    const used = usage.revisionInUse(name);
    const previous = (rev.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, ISTIO_REVISIONS, rev, {
      observedGeneration: rev.metadata.generation,
      conditions: [
        ...sailConditions(
          previous.conditions,
          ready
            ? undefined
            : {
                reason: 'IstiodNotReady',
                message: 'istiod Deployment is not ready',
              },
        ),
        condition(previous.conditions, inUseCondition(used)),
      ],
      state: ready ? 'Healthy' : 'NotReady',
    });
  };
}
