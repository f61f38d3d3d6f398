import { KubeObject, ResourceRef, ResourceType } from './types';

/** The map key of a resource type: `group/plural`. */
export function typeKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.plural}`;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) {
      deepFreeze(child);
    }
  }
  return value;
}

/** Structural equality of JSON values, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object'
  ) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return (
      a.length === other.length && a.every((v, i) => deepEqual(v, other[i]))
    );
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord).filter(k => aRecord[k] !== undefined);
  const bKeys = Object.keys(bRecord).filter(k => bRecord[k] !== undefined);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every(key => deepEqual(aRecord[key], bRecord[key]))
  );
}

/** Everything but metadata and status: what `generation` tracks. */
export function specOf(object: KubeObject): Record<string, unknown> {
  const {
    metadata: _metadata,
    status: _status,
    apiVersion: _apiVersion,
    kind: _kind,
    ...rest
  } = object;
  return rest;
}

/** Kubernetes timestamps have second precision. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Kubernetes version priority (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > other),
 * which decides the preferred version discovery reports.
 */
export function compareVersionPriority(a: string, b: string): number {
  const rank = (version: string): [number, number, number] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
    if (!match) {
      return [0, 0, 0];
    }
    const stability = { alpha: 1, beta: 2 }[match[2] ?? ''] ?? 3;
    return [stability, Number(match[1]), Number(match[3] ?? 0)];
  };
  const [aRank, bRank] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) {
    if (aRank[i] !== bRank[i]) {
      return bRank[i] - aRank[i];
    }
  }
  return a.localeCompare(b);
}

/** Every version a resource type serves, preferred first. */
export function servedVersions(resource: ResourceType): string[] {
  return resource.versions?.length ? resource.versions : [resource.version];
}

/**
 * The JSON of stored objects, which are frozen: a LIST of 10,000 pods then
 * serialises only what changed since the previous LIST.
 */
const frozenJson = new WeakMap<object, string>();

export function objectJson(object: KubeObject): string {
  let text = frozenJson.get(object);
  if (text === undefined) {
    text = JSON.stringify(object);
    if (Object.isFrozen(object)) frozenJson.set(object, text);
  }
  return text;
}
