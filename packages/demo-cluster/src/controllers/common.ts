import { createHash } from 'node:crypto';
import { NAMESPACES } from '../apiserver/builtinResources';
import {
  ApiError,
  ClusterApi,
  KubeObject,
  ResourceRef,
} from '../apiserver/types';

export { NAMESPACES };

/** Resource types the simulated controllers read and write. */
export const PODS: ResourceRef = { group: '', plural: 'pods' };
export const SERVICES: ResourceRef = { group: '', plural: 'services' };
export const CONFIG_MAPS: ResourceRef = { group: '', plural: 'configmaps' };
export const SERVICE_ACCOUNTS: ResourceRef = {
  group: '',
  plural: 'serviceaccounts',
};
export const EVENTS: ResourceRef = { group: '', plural: 'events' };
export const DEPLOYMENTS: ResourceRef = {
  group: 'apps',
  plural: 'deployments',
};
export const REPLICA_SETS: ResourceRef = {
  group: 'apps',
  plural: 'replicasets',
};
export const STATEFUL_SETS: ResourceRef = {
  group: 'apps',
  plural: 'statefulsets',
};
export const DAEMON_SETS: ResourceRef = { group: 'apps', plural: 'daemonsets' };
export const JOBS: ResourceRef = { group: 'batch', plural: 'jobs' };
export const MUTATING_WEBHOOKS: ResourceRef = {
  group: 'admissionregistration.k8s.io',
  plural: 'mutatingwebhookconfigurations',
};
export const ROUTES: ResourceRef = {
  group: 'route.openshift.io',
  plural: 'routes',
};
export const INGRESSES: ResourceRef = {
  group: 'networking.k8s.io',
  plural: 'ingresses',
};

/** Label on every object a demo controller owns, so it can find them again. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Marks a workload whose pods should crash-loop. */
export const CRASH_LOOP_ANNOTATION = 'demo.mesh-backstage.io/crash-loop';

export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function objectKey(object: KubeObject): string {
  return keyOf(object.metadata.namespace, object.metadata.name!);
}

export function splitKey(key: string): [string | undefined, string] {
  const slash = key.indexOf('/');
  return slash < 0
    ? [undefined, key]
    : [key.slice(0, slash), key.slice(slash + 1)];
}

export function rfc3339(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function isApiError(error: unknown, code?: number): error is ApiError {
  return (
    error instanceof ApiError && (code === undefined || error.code === code)
  );
}

/** Stable JSON (sorted keys), so equal structures hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// The alphabet Kubernetes uses for generated names, free of vowels and
// look-alike characters.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A short hash in the style of `pod-template-hash` values. */
export function shortHash(value: unknown, length = 10): string {
  const digest = createHash('sha256').update(stableStringify(value)).digest();
  let out = '';
  for (let i = 0; i < length; i++) {
    out += NAME_ALPHABET[digest[i] % NAME_ALPHABET.length];
  }
  return out;
}

export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  }
  return out;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

/**
 * Builds a condition, keeping the previous lastTransitionTime when the
 * status did not change (as controllers do, so clients see real transitions).
 */
export function condition(
  previous: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
): Condition {
  const before = previous?.find(c => c.type === next.type);
  return {
    ...next,
    lastTransitionTime:
      before && before.status === next.status && before.lastTransitionTime
        ? before.lastTransitionTime
        : rfc3339(),
  };
}

/** Creates the object, or replaces spec-like fields of the existing one. */
export function upsert(
  api: ClusterApi,
  ref: ResourceRef,
  desired: KubeObject,
  merge: (existing: KubeObject, desired: KubeObject) => KubeObject = (
    existing,
    wanted,
  ) => ({
    ...existing,
    ...wanted,
    metadata: {
      ...existing.metadata,
      labels: { ...existing.metadata.labels, ...wanted.metadata.labels },
      annotations: {
        ...existing.metadata.annotations,
        ...wanted.metadata.annotations,
      },
      ...(wanted.metadata.ownerReferences
        ? { ownerReferences: wanted.metadata.ownerReferences }
        : {}),
    },
    ...(existing.status !== undefined ? { status: existing.status } : {}),
  }),
): KubeObject {
  const existing = api.get(
    ref,
    desired.metadata.namespace,
    desired.metadata.name!,
  );
  if (!existing) {
    try {
      return api.create(ref, desired);
    } catch (error) {
      if (!isApiError(error, 409)) throw error;
      return upsert(api, ref, desired, merge);
    }
  }
  const merged = merge(existing, desired);
  if (stableStringify(merged) === stableStringify(existing)) {
    return existing;
  }
  return api.update(ref, merged);
}

/** Writes `.status` when it differs from what is stored (ignoring timestamps' churn is the caller's job). */
export function writeStatus(
  api: ClusterApi,
  ref: ResourceRef,
  object: KubeObject,
  status: unknown,
): KubeObject {
  if (stableStringify(object.status) === stableStringify(status)) {
    return object;
  }
  return api.updateStatus(ref, { ...object, status });
}

export function deleteIfExists(
  api: ClusterApi,
  ref: ResourceRef,
  namespace: string | undefined,
  name: string,
): void {
  try {
    api.delete(ref, namespace, name);
  } catch (error) {
    if (!isApiError(error, 404)) throw error;
  }
}

/** Creates a namespace or merges labels into it. */
export function ensureNamespace(
  api: ClusterApi,
  name: string,
  labels: Record<string, string> = {},
): KubeObject {
  return upsert(api, NAMESPACES, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
}

/**
 * Namespace labels as selectors see them: the apiserver adds
 * `kubernetes.io/metadata.name` to every namespace.
 */
export function namespaceLabels(
  namespace: KubeObject | undefined,
  name: string,
): Record<string, string> {
  return {
    ...namespace?.metadata.labels,
    'kubernetes.io/metadata.name': name,
  };
}

export function ownerReference(
  owner: KubeObject,
  controller = true,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] & {
  blockOwnerDeletion?: boolean;
} {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller,
    blockOwnerDeletion: true,
  };
}

/** Lists a type that may not be served yet (its CRD comes later) as empty. */
export function listIfServed(api: ClusterApi, ref: ResourceRef): KubeObject[] {
  return api.resource(ref) ? api.list(ref) : [];
}

/** Ready as endpoints see it: the Ready condition is True and the pod is not being deleted. */
export function isPodReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: Condition[] } | undefined)
    ?.conditions;
  return (
    !pod.metadata.deletionTimestamp &&
    !!conditions?.some(c => c.type === 'Ready' && c.status === 'True')
  );
}

export function controllerOf(
  object: KubeObject,
): { kind: string; name: string; uid: string } | undefined {
  return object.metadata.ownerReferences?.find(ref => ref.controller);
}

/**
 * Records Kubernetes Events the way the event recorder does: repeats of the
 * same reason and message on one object bump `count` instead of piling up.
 */
export class EventRecorder {
  readonly #recent = new Map<string, string>();

  constructor(
    private readonly api: ClusterApi,
    private readonly component: string,
  ) {}

  record(
    involved: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const key = `${involved.metadata.uid}|${reason}|${message}`;
    const now = rfc3339();
    const existingName = this.#recent.get(key);
    try {
      const existing =
        existingName && this.api.get(EVENTS, namespace, existingName);
      if (existing) {
        this.api.update(EVENTS, {
          ...existing,
          count: ((existing.count as number) ?? 1) + 1,
          lastTimestamp: now,
        });
        return;
      }
      const name = `${involved.metadata.name}.${randomSuffix(16)}`;
      if (this.#recent.size > 10_000) {
        this.#recent.clear();
      }
      this.#recent.set(key, name);
      this.api.create(EVENTS, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name: involved.metadata.name,
          namespace: involved.metadata.namespace,
          uid: involved.metadata.uid,
          resourceVersion: involved.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: this.component },
        reportingComponent: this.component,
        reportingInstance: '',
      });
    } catch {
      // Events are best effort, as in Kubernetes: the namespace may be gone.
    }
  }
}

/** Starts several stop functions' owners and returns one stop for all. */
export function combineStops(stops: Array<() => void>): () => void {
  return () => {
    for (const stop of stops.reverse()) stop();
  };
}

/** A stable ClusterIP for a Service, in OpenShift's default service network. */
export function clusterIpFor(namespace: string, name: string): string {
  const hash = shortHash(`${namespace}/${name}`, 4);
  const code = (i: number) => NAME_ALPHABET.indexOf(hash[i]);
  return `172.30.${(code(0) * 27 + code(1)) % 255}.${
    ((code(2) * 27 + code(3)) % 253) + 1
  }`;
}
