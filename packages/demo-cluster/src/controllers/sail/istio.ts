import { KubeObject } from '../../apiserver/types';
import { ISTIOS, ISTIO_REVISIONS } from '../../meshCrds';
import {
  Condition,
  MANAGED_BY_LABEL,
  deleteIfExists,
  ownerReference,
  upsert,
  writeStatus,
} from '../common';
import { queueKey } from '../workQueue';
import {
  DEFAULT_VERSION,
  IstioSpec,
  IstioValues,
  OPERATOR,
  RevisionSpec,
  SailContext,
  istiodReady,
  revisionNameFor,
  sailConditions,
} from './model';

/**
 * `Istio` → its active `IstioRevision` (named after the Istio, or after the
 * version too with the RevisionBased strategy); older revisions it owns are
 * deleted once nothing uses them and the grace period has passed. Status
 * counts the revisions and follows the active one's istiod.
 */
export function istioController(ctx: SailContext) {
  const { api, queue, usage, revisionOwner } = ctx;
  /** When each inactive revision was first seen unused. */
  const inactiveSince = new Map<string, number>();

  const applyActiveRevision = (
    istio: KubeObject,
    active: string,
    spec: IstioSpec,
  ) => {
    const version = spec.version ?? DEFAULT_VERSION;
    const namespace = spec.namespace ?? 'istio-system';
    const values: IstioValues = {
      ...spec.values,
      global: { ...spec.values?.global, istioNamespace: namespace },
    };
    // The IstioRevision schema wants no revision value on `default`.
    if (active === 'default') delete values.revision;
    else values.revision = active;
    upsert(
      api,
      ISTIO_REVISIONS,
      {
        apiVersion: 'sailoperator.io/v1',
        kind: 'IstioRevision',
        metadata: {
          name: active,
          labels: { [MANAGED_BY_LABEL]: OPERATOR },
          ownerReferences: [ownerReference(istio)],
        },
        spec: { version, namespace, values },
      },
      (existing, desired) => ({
        ...existing,
        metadata: {
          ...existing.metadata,
          labels: { ...existing.metadata.labels, ...desired.metadata.labels },
          ownerReferences: desired.metadata.ownerReferences,
        },
        spec: desired.spec,
      }),
    );
  };

  /**
   * Deletes an unused inactive revision once its grace period has passed,
   * or wakes the Istio again when it will have. Returns whether it went.
   */
  const pruneIfUnused = (
    istioName: string,
    revision: string,
    used: boolean,
    graceMs: number,
    now: number,
  ): boolean => {
    if (used) {
      inactiveSince.delete(revision);
      return false;
    }
    const since = inactiveSince.get(revision) ?? now;
    inactiveSince.set(revision, since);
    if (now - since >= graceMs) {
      inactiveSince.delete(revision);
      deleteIfExists(api, ISTIO_REVISIONS, undefined, revision);
      return true;
    }
    queue.addAfter(
      queueKey('Istio', undefined, istioName),
      since + graceMs - now,
    );
    return false;
  };

  return function reconcileIstio(_: string | undefined, name: string) {
    const istio = api.get(ISTIOS, undefined, name);
    if (!istio) return; // Owned revisions go with it (garbage collection).
    const spec = (istio.spec ?? {}) as IstioSpec;
    const version = spec.version ?? DEFAULT_VERSION;
    const namespace = spec.namespace ?? 'istio-system';
    const strategy = spec.updateStrategy?.type ?? 'InPlace';
    const graceMs =
      (spec.updateStrategy?.inactiveRevisionDeletionGracePeriodSeconds ?? 30) *
      1000;
    const active = revisionNameFor(name, version, strategy);
    revisionOwner.set(active, name);
    applyActiveRevision(istio, active, spec);

    const owned = api
      .list(ISTIO_REVISIONS)
      .filter(rev =>
        rev.metadata.ownerReferences?.some(o => o.uid === istio.metadata.uid),
      );
    const now = Date.now();
    let total = 0;
    let ready = 0;
    let inUse = 0;
    for (const rev of owned) {
      const revName = rev.metadata.name!;
      revisionOwner.set(revName, name);
      const used = usage.revisionInUse(revName);
      if (
        revName !== active &&
        pruneIfUnused(name, revName, used, graceMs, now)
      ) {
        continue;
      }
      total++;
      const revNamespace = (rev.spec as RevisionSpec).namespace ?? namespace;
      if (istiodReady(api, revNamespace, revName)) ready++;
      if (used) inUse++;
    }
    const activeReady = istiodReady(api, namespace, active);
    const previous = (istio.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, ISTIOS, istio, {
      observedGeneration: istio.metadata.generation,
      activeRevisionName: active,
      revisions: { total, ready, inUse },
      conditions: sailConditions(
        previous.conditions,
        activeReady
          ? undefined
          : {
              reason: 'IstiodNotReady',
              message: `istiod of revision ${active} is not ready`,
            },
      ),
      state: activeReady ? 'Healthy' : 'NotReady',
    });
  };
}
