import { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, KubeObject, StoreEvent } from '../apiserver/types';
import {
  ISTIOS,
  ISTIO_CNIS,
  ISTIO_REVISIONS,
  ISTIO_REVISION_TAGS,
} from '../meshCrds';
import {
  Condition,
  DAEMON_SETS,
  DEPLOYMENTS,
  MANAGED_BY_LABEL,
  condition,
  ensureNamespace,
  isApiError,
  keyOf,
  ownerReference,
  upsert,
  writeStatus,
} from './common';
import { WorkQueue } from './workQueue';
import {
  applyControlPlaneRevision,
  applyRevisionTag,
  deleteRevisionTag,
  istiodName,
} from './istiod';

const OPERATOR = 'sail-operator';
const REV_LABEL = 'istio.io/rev';

interface IstioValues {
  global?: { hub?: string; istioNamespace?: string; [key: string]: unknown };
  pilot?: {
    env?: Record<string, string>;
    cni?: { enabled?: boolean };
    [key: string]: unknown;
  };
  meshConfig?: { discoverySelectors?: LabelSelector[]; [key: string]: unknown };
  revision?: string;
  [key: string]: unknown;
}

interface IstioSpec {
  version?: string;
  namespace?: string;
  profile?: string;
  updateStrategy?: {
    type?: 'InPlace' | 'RevisionBased';
    inactiveRevisionDeletionGracePeriodSeconds?: number;
  };
  values?: IstioValues;
}

interface RevisionSpec {
  version?: string;
  namespace?: string;
  values?: IstioValues;
}

interface TagSpec {
  targetRef?: { kind?: 'Istio' | 'IstioRevision'; name?: string };
}

export interface SailControllerOptions {
  /** Image hub when `spec.values.global.hub` is unset. Default `docker.io/istio`. */
  hub?: string;
}

/** `default` + `v1.24.3` → `default-v1-24-3`, as the Sail operator names revisions. */
export function revisionNameFor(
  istioName: string,
  version: string,
  strategy: 'InPlace' | 'RevisionBased' = 'InPlace',
): string {
  return strategy === 'RevisionBased'
    ? `${istioName}-${version.replace(/\./g, '-')}`
    : istioName;
}

function istiodReady(api: ClusterApi, namespace: string, revision: string) {
  const deployment = api.get(DEPLOYMENTS, namespace, istiodName(revision));
  return (
    (((deployment?.status ?? {}) as { readyReplicas?: number }).readyReplicas ??
      0) > 0
  );
}

/**
 * The Sail operator (OpenShift Service Mesh 3), simulated: `Istio` →
 * `IstioRevision`s by update strategy, with old RevisionBased revisions
 * removed once no pod or namespace uses them and the grace period passed;
 * `IstioRevision` → istiod, its webhooks and mesh config (discovery
 * selectors); `IstioRevisionTag` → a tag webhook following its target;
 * `IstioCNI` → the CNI node agent DaemonSet.
 */
export function startSailController(
  api: ClusterApi,
  options: SailControllerOptions = {},
): () => void {
  // Usage of revisions and tags, counted from pod and namespace labels.
  const podRevision = new Map<string, string>();
  const namespaceRevision = new Map<string, string>();
  const usage = new Map<string, number>();
  /** Revision/tag name → the object names to re-check when its usage changes. */
  const tagTargets = new Map<string, string>();
  const revisionOwner = new Map<string, string>();
  const inactiveSince = new Map<string, number>();
  let injectionEnabledNamespaces = 0;

  const queue = new WorkQueue(key => {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (kind === 'Istio') reconcileIstio(name);
    else if (kind === 'IstioRevision') reconcileRevision(name);
    else if (kind === 'IstioRevisionTag') reconcileTag(name);
    else if (kind === 'IstioCNI') reconcileCni(name);
  });

  const usageOf = (value: string) => usage.get(value) ?? 0;

  /** Whether pods or namespaces use a revision, directly or through a tag. */
  const revisionInUse = (revision: string): boolean => {
    if (usageOf(revision) > 0) return true;
    if (revision === 'default' && injectionEnabledNamespaces > 0) return true;
    for (const [tag, target] of tagTargets) {
      if (target === revision && tagInUse(tag)) return true;
    }
    return false;
  };

  function tagInUse(tag: string) {
    return (
      usageOf(tag) > 0 || (tag === 'default' && injectionEnabledNamespaces > 0)
    );
  }

  const usageChanged = (value: string) => {
    const revisions = new Set([value, tagTargets.get(value)]);
    if (value === 'default') {
      for (const [tag, target] of tagTargets) {
        if (tag === 'default') revisions.add(target);
      }
    }
    for (const revision of revisions) {
      if (!revision) continue;
      queue.add(`IstioRevision/${revision}`);
      const owner = revisionOwner.get(revision);
      if (owner) queue.add(`Istio/${owner}`);
    }
    if (tagTargets.has(value)) queue.add(`IstioRevisionTag/${value}`);
  };

  const count = (
    index: Map<string, string>,
    key: string,
    next: string | undefined,
  ) => {
    const previous = index.get(key);
    if (previous === next) return;
    if (previous) {
      const left = usageOf(previous) - 1;
      if (left > 0) usage.set(previous, left);
      else usage.delete(previous);
      if (left === 0) usageChanged(previous);
      index.delete(key);
    }
    if (next) {
      usage.set(next, usageOf(next) + 1);
      index.set(key, next);
      if (usageOf(next) === 1) usageChanged(next);
    }
  };

  // ---- Istio

  function reconcileIstio(name: string) {
    const istio = api.get(ISTIOS, undefined, name);
    if (!istio) return; // Owned revisions go with it (garbage collection).
    const spec = (istio.spec ?? {}) as IstioSpec;
    const version = spec.version ?? 'v1.24.3';
    const namespace = spec.namespace ?? 'istio-system';
    const strategy = spec.updateStrategy?.type ?? 'InPlace';
    const graceMs =
      (spec.updateStrategy?.inactiveRevisionDeletionGracePeriodSeconds ?? 30) *
      1000;
    const active = revisionNameFor(name, version, strategy);
    const values: IstioValues = {
      ...spec.values,
      global: { ...spec.values?.global, istioNamespace: namespace },
    };
    // The IstioRevision schema wants no revision value on `default`.
    if (active === 'default') delete values.revision;
    else values.revision = active;

    revisionOwner.set(active, name);
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
      const used = revisionInUse(revName);
      if (revName !== active) {
        if (used) {
          inactiveSince.delete(revName);
        } else {
          const since = inactiveSince.get(revName) ?? now;
          inactiveSince.set(revName, since);
          if (now - since >= graceMs) {
            inactiveSince.delete(revName);
            try {
              api.delete(ISTIO_REVISIONS, undefined, revName);
            } catch (error) {
              if (!isApiError(error, 404)) throw error;
            }
            continue;
          }
          queue.addAfter(`Istio/${name}`, since + graceMs - now);
        }
      }
      total++;
      if (
        istiodReady(
          api,
          (rev.spec as RevisionSpec).namespace ?? namespace,
          revName,
        )
      ) {
        ready++;
      }
      if (used) inUse++;
    }
    const activeReady = istiodReady(api, namespace, active);
    const previous = (istio.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, ISTIOS, istio, {
      observedGeneration: istio.metadata.generation,
      activeRevisionName: active,
      revisions: { total, ready, inUse },
      conditions: [
        condition(previous.conditions, {
          type: 'Reconciled',
          status: 'True',
          reason: 'Reconciled',
        }),
        condition(
          previous.conditions,
          activeReady
            ? { type: 'Ready', status: 'True', reason: 'Healthy' }
            : {
                type: 'Ready',
                status: 'False',
                reason: 'IstiodNotReady',
                message: `istiod of revision ${active} is not ready`,
              },
        ),
      ],
      state: activeReady ? 'Healthy' : 'NotReady',
    });
  }

  // ---- IstioRevision

  function reconcileRevision(name: string) {
    const rev = api.get(ISTIO_REVISIONS, undefined, name);
    if (!rev) return; // Its istiod objects are owned by it and collected.
    const spec = (rev.spec ?? {}) as RevisionSpec;
    const namespace = spec.namespace ?? 'istio-system';
    const values = spec.values ?? {};
    ensureNamespace(api, namespace);
    applyControlPlaneRevision(api, {
      namespace,
      revision: name,
      version: (spec.version ?? 'v1.24.3').replace(/^v/, ''),
      hub: values.global?.hub ?? options.hub ?? 'docker.io/istio',
      nativeSidecars: values.pilot?.env?.ENABLE_NATIVE_SIDECARS === 'true',
      cni: values.pilot?.cni?.enabled === true,
      discoverySelectors: values.meshConfig?.discoverySelectors,
      managedBy: OPERATOR,
      ownerReferences: [ownerReference(rev)],
    });
    const ready = istiodReady(api, namespace, name);
    const used = revisionInUse(name);
    const previous = (rev.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, ISTIO_REVISIONS, rev, {
      observedGeneration: rev.metadata.generation,
      conditions: [
        condition(previous.conditions, {
          type: 'Reconciled',
          status: 'True',
          reason: 'Reconciled',
        }),
        condition(
          previous.conditions,
          ready
            ? { type: 'Ready', status: 'True', reason: 'Healthy' }
            : {
                type: 'Ready',
                status: 'False',
                reason: 'IstiodNotReady',
                message: 'istiod Deployment is not ready',
              },
        ),
        condition(previous.conditions, inUseCondition(used)),
      ],
      state: ready ? 'Healthy' : 'NotReady',
    });
  }

  // ---- IstioRevisionTag

  function reconcileTag(name: string) {
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
        if (rev) queue.add(`IstioRevision/${rev}`);
        const owner = rev && revisionOwner.get(rev);
        if (owner) queue.add(`Istio/${owner}`);
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
    const used = tagInUse(name);
    writeStatus(api, ISTIO_REVISION_TAGS, tag, {
      observedGeneration: tag.metadata.generation,
      istioRevision: revisionName,
      istiodNamespace: namespace,
      conditions: [
        condition(previous.conditions, {
          type: 'Reconciled',
          status: 'True',
          reason: 'Reconciled',
        }),
        condition(previous.conditions, {
          type: 'Ready',
          status: 'True',
          reason: 'Healthy',
        }),
        condition(previous.conditions, inUseCondition(used)),
      ],
      state: 'Healthy',
    });
  }

  // ---- IstioCNI

  function reconcileCni(name: string) {
    const cni = api.get(ISTIO_CNIS, undefined, name);
    if (!cni) return;
    const spec = (cni.spec ?? {}) as { version?: string; namespace?: string };
    const namespace = spec.namespace ?? 'istio-cni';
    const version = (spec.version ?? 'v1.24.3').replace(/^v/, '');
    ensureNamespace(api, namespace);
    upsert(api, DAEMON_SETS, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'istio-cni-node',
        namespace,
        labels: { 'k8s-app': 'istio-cni-node', [MANAGED_BY_LABEL]: OPERATOR },
        ownerReferences: [ownerReference(cni)],
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } },
        template: {
          metadata: {
            labels: {
              'k8s-app': 'istio-cni-node',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            containers: [
              {
                name: 'install-cni',
                image: `${
                  options.hub ?? 'docker.io/istio'
                }/install-cni:${version}`,
              },
            ],
          },
        },
      },
    });
    const daemonSet = api.get(DAEMON_SETS, namespace, 'istio-cni-node');
    const ready =
      ((daemonSet?.status ?? {}) as { numberReady?: number }).numberReady ?? 0;
    const previous = (cni.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, ISTIO_CNIS, cni, {
      observedGeneration: cni.metadata.generation,
      conditions: [
        condition(previous.conditions, {
          type: 'Reconciled',
          status: 'True',
          reason: 'Reconciled',
        }),
        condition(
          previous.conditions,
          ready > 0
            ? { type: 'Ready', status: 'True', reason: 'Healthy' }
            : {
                type: 'Ready',
                status: 'False',
                reason: 'DaemonSetNotReady',
                message: 'not all istio-cni-node pods are ready',
              },
        ),
      ],
      state: ready > 0 ? 'Healthy' : 'NotReady',
    });
  }

  // ---- Event routing

  const onEvent = (event: StoreEvent) => {
    const { group, plural } = event.resource;
    const object = event.object;
    const name = object.metadata.name!;
    if (group === 'sailoperator.io') {
      if (plural === ISTIOS.plural) {
        queue.add(`Istio/${name}`);
        for (const tag of safeList(api, ISTIO_REVISION_TAGS)) {
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
    } else if (group === '' && plural === 'pods') {
      const key = keyOf(object.metadata.namespace, name);
      count(
        podRevision,
        key,
        event.type === 'DELETED' ? undefined : proxyRevisionOf(object),
      );
    } else if (group === '' && plural === 'namespaces') {
      const labels =
        event.type === 'DELETED' ? {} : object.metadata.labels ?? {};
      const injection = labels['istio-injection'];
      const wasEnabled =
        event.oldObject?.metadata.labels?.['istio-injection'] === 'enabled' ||
        (event.type === 'DELETED' &&
          object.metadata.labels?.['istio-injection'] === 'enabled');
      const isEnabled = injection === 'enabled';
      if (wasEnabled !== isEnabled || (event.type === 'ADDED' && isEnabled)) {
        injectionEnabledNamespaces += isEnabled ? 1 : -1;
        usageChanged('default');
      }
      // `istio-injection` wins, so the revision label is unused beside it.
      count(namespaceRevision, name, injection ? undefined : labels[REV_LABEL]);
    } else if (
      group === 'apps' &&
      plural === 'deployments' &&
      object.metadata.labels?.[MANAGED_BY_LABEL] === OPERATOR &&
      object.metadata.labels?.app === 'istiod'
    ) {
      const revision = object.metadata.labels[REV_LABEL];
      if (revision) {
        queue.add(`IstioRevision/${revision}`);
        const owner = revisionOwner.get(revision);
        if (owner) queue.add(`Istio/${owner}`);
      }
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
  for (const ns of api.list({ group: '', plural: 'namespaces' })) {
    onEvent({
      type: 'ADDED',
      resource: api.resource({ group: '', plural: 'namespaces' })!,
      object: ns,
    });
  }
  for (const pod of api.list({ group: '', plural: 'pods' })) {
    const rev = proxyRevisionOf(pod);
    if (rev)
      count(
        podRevision,
        keyOf(pod.metadata.namespace, pod.metadata.name!),
        rev,
      );
  }
  for (const [ref, kind] of [
    [ISTIOS, 'Istio'],
    [ISTIO_REVISIONS, 'IstioRevision'],
    [ISTIO_REVISION_TAGS, 'IstioRevisionTag'],
    [ISTIO_CNIS, 'IstioCNI'],
  ] as const) {
    for (const object of safeList(api, ref)) {
      queue.add(`${kind}/${object.metadata.name}`);
    }
  }

  return () => {
    unsubscribe();
    queue.stop();
  };
}

/**
 * The revision whose proxy a pod runs: only injected pods count (istiod's own
 * pods carry `istio.io/rev` too, but do not use the revision).
 */
function proxyRevisionOf(pod: KubeObject): string | undefined {
  const status = pod.metadata.annotations?.['sidecar.istio.io/status'];
  if (!status) return undefined;
  const label = pod.metadata.labels?.[REV_LABEL];
  if (label) return label;
  try {
    return JSON.parse(status).revision || 'default';
  } catch {
    return 'default';
  }
}

function safeList(api: ClusterApi, ref: { group: string; plural: string }) {
  return api.resource(ref) ? api.list(ref) : [];
}

/** The InUse condition of IstioRevision and IstioRevisionTag status. */
function inUseCondition(used: boolean): Omit<Condition, 'lastTransitionTime'> {
  return used
    ? {
        type: 'InUse',
        status: 'True',
        reason: 'ReferencedByWorkloads',
        message: 'Referenced by at least one pod or namespace',
      }
    : {
        type: 'InUse',
        status: 'False',
        reason: 'NotReferencedByAnything',
        message: 'Not referenced by any pod or namespace',
      };
}
