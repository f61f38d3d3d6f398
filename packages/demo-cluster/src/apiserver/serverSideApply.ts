import { ApiError, KubeObject, ResourceType } from './types';

/*
 * Server-side apply (`application/apply-patch+yaml`), as structured-merge-diff
 * does it for the fields Apply managers own. Each manager's fields are kept
 * in `metadata.managedFields` in the FieldsV1 form (`f:spec`, `k:{"name":"app"}`,
 * `.`). Lists of containers, env, ports, volumes, conditions and the like
 * merge by their key, as their `x-kubernetes-list-map-keys` say; any other
 * list is atomic, replaced as a whole (e.g. a member roll's `spec.members`).
 *
 * Deviation, said in the README: only Apply operations own fields. Writes by
 * update or patch own none, so they never conflict with an applier.
 */

type Json = Record<string, unknown>;
/** A FieldsV1 set: `f:<field>` and `k:<key>` children, `.` for the item itself. */
export interface FieldSet {
  [key: string]: FieldSet;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldSet;
  subresource?: string;
}

/** The key fields of the keyed lists, by list field name. */
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  imagePullSecrets: ['name'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  webhooks: ['name'],
  // Container ports by containerPort (and protocol); Service ports by port.
  ports: ['containerPort', 'port', 'protocol'],
};

const isMap = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `k:{"name":"app"}` for a keyed list item, or undefined when it is not one. */
function itemKey(listField: string, item: unknown): string | undefined {
  const keys = LIST_KEYS[listField];
  if (!keys || !isMap(item)) return undefined;
  const present = keys.filter(key => item[key] !== undefined);
  if (present.length === 0) return undefined;
  const fields = Object.fromEntries(
    present.sort().map(key => [key, item[key]]),
  );
  return `k:${JSON.stringify(fields)}`;
}

function isKeyedList(listField: string, list: unknown[]): boolean {
  return (
    list.length > 0 &&
    list.every(item => itemKey(listField, item) !== undefined)
  );
}

/** The fields an applied configuration sets. */
export function fieldsOf(config: Json): FieldSet {
  const set: FieldSet = {};
  for (const [name, value] of Object.entries(config)) {
    if (name === 'apiVersion' || name === 'kind') continue;
    if (isMap(value) && Object.keys(value).length > 0) {
      set[`f:${name}`] = fieldsOf(value);
    } else if (Array.isArray(value) && isKeyedList(name, value)) {
      set[`f:${name}`] = Object.fromEntries(
        value.map(item => [
          itemKey(name, item)!,
          { '.': {}, ...fieldsOf(item as Json) },
        ]),
      );
    } else {
      set[`f:${name}`] = {};
    }
  }
  return set;
}

/** The leaf paths of a field set, e.g. `.spec.replicas`. */
function leaves(set: FieldSet, prefix = ''): string[] {
  return Object.entries(set).flatMap(([key, children]) => {
    const path = key === '.' ? prefix : `${prefix}${pathSegment(key)}`;
    const nested = Object.keys(children).filter(k => k !== '.');
    return nested.length === 0 ? [path] : leaves(children, path);
  });
}

function pathSegment(key: string): string {
  if (key.startsWith('f:')) return `.${key.slice(2)}`;
  if (key.startsWith('k:')) return `[${key.slice(2)}]`;
  return '';
}

/** The value an object has at a field-set path, or undefined. */
function valueAt(object: unknown, path: string[]): unknown {
  let current: unknown = object;
  let listField = '';
  for (const key of path) {
    if (key === '.') continue;
    if (key.startsWith('f:') && isMap(current)) {
      listField = key.slice(2);
      current = current[listField];
    } else if (key.startsWith('k:') && Array.isArray(current)) {
      const field = listField;
      current = current.find(item => itemKey(field, item) === key);
    } else return undefined;
  }
  return current;
}

function keyPaths(set: FieldSet, prefix: string[] = []): string[][] {
  return Object.entries(set).flatMap(([key, children]) => {
    const path = [...prefix, key];
    const nested = Object.keys(children).filter(k => k !== '.');
    return nested.length === 0 ? [path] : keyPaths(children, path);
  });
}

/** Removes from `object` the fields of `set` (a manager's former fields). */
function removeFields(object: Json, set: FieldSet): void {
  for (const [key, children] of Object.entries(set)) {
    if (!key.startsWith('f:')) continue;
    const name = key.slice(2);
    const value = object[name];
    const nested = Object.keys(children).filter(k => k !== '.');
    if (nested.length === 0) {
      delete object[name];
    } else if (isMap(value)) {
      removeFields(value, children);
      if (Object.keys(value).length === 0) delete object[name];
    } else if (Array.isArray(value)) {
      const kept = value.filter(item => {
        const itemSet = children[itemKey(name, item) ?? ''];
        if (!itemSet) return true;
        if ('.' in itemSet) return false;
        removeFields(item as Json, itemSet);
        return true;
      });
      object[name] = kept;
    }
  }
}

/** Merges an applied configuration into an object: maps deep, keyed lists by key, others replaced. */
function merge(target: Json, config: Json): void {
  for (const [name, value] of Object.entries(config)) {
    const current = target[name];
    if (isMap(value) && isMap(current)) {
      merge(current, value);
    } else if (
      Array.isArray(value) &&
      Array.isArray(current) &&
      isKeyedList(name, value)
    ) {
      const merged = [...current];
      for (const item of value) {
        const key = itemKey(name, item);
        const index = merged.findIndex(m => itemKey(name, m) === key);
        if (index < 0) merged.push(structuredClone(item));
        else if (isMap(merged[index]))
          merge(merged[index] as Json, item as Json);
      }
      target[name] = merged;
    } else {
      target[name] = structuredClone(value);
    }
  }
}

/** Fields of `set` outside `keep`, as a set. */
function subtract(set: FieldSet, keep: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const [key, children] of Object.entries(set)) {
    if (!(key in keep)) {
      out[key] = children;
      continue;
    }
    const nested = Object.keys(children).filter(k => k !== '.');
    if (nested.length === 0) continue;
    const rest = subtract(children, keep[key]);
    if (Object.keys(rest).filter(k => k !== '.').length > 0) out[key] = rest;
  }
  return out;
}

export interface ApplyRequest {
  resource: ResourceType;
  apiVersion: string;
  /** The object as stored, or undefined when the apply creates it. */
  live?: KubeObject;
  config: Json;
  manager: string;
  force: boolean;
  now: string;
}

/**
 * The object after applying `config` as `manager`: its former fields that
 * the configuration no longer sets are removed, its new ones set, and its
 * managedFields entry replaced. A field another applier owns with another
 * value is a 409 Conflict unless `force`, which takes it over.
 */
export function serverSideApply(request: ApplyRequest): KubeObject {
  const { live, config, manager, resource } = request;
  const applied = fieldsOf(config);
  const entries = (
    (live?.metadata.managedFields ?? []) as ManagedFieldsEntry[]
  ).filter(entry => !entry.subresource);
  const others = entries.filter(
    e => !(e.manager === manager && e.operation === 'Apply'),
  );
  const conflicts: Array<{ message: string; field: string }> = [];
  const taken = others.map(entry => {
    if (entry.operation !== 'Apply') return entry;
    let owned = entry.fieldsV1;
    for (const path of keyPaths(applied)) {
      const ownedSet = pick(owned, path);
      if (!ownedSet) continue;
      // Sharing a field with the same value is no conflict.
      const mine = JSON.stringify(valueAt(config, path) ?? null);
      const theirs = JSON.stringify(valueAt(live, path) ?? null);
      if (mine === theirs) continue;
      if (request.force) {
        owned = subtract(owned, ownedSet);
        continue;
      }
      for (const field of leaves(ownedSet)) {
        conflicts.push({
          message: `conflict with "${entry.manager}" using ${entry.apiVersion}`,
          field,
        });
      }
    }
    return { ...entry, fieldsV1: owned };
  });
  if (conflicts.length > 0) {
    throw applyConflict(resource, config, conflicts);
  }
  const previous = entries.find(
    e => e.manager === manager && e.operation === 'Apply',
  );
  const object = structuredClone((live ?? { metadata: {} }) as Json);
  if (previous) removeFields(object, subtract(previous.fieldsV1, applied));
  merge(object, config);
  const meta = object.metadata as Json;
  meta.managedFields = [
    ...taken,
    {
      manager,
      operation: 'Apply',
      apiVersion: request.apiVersion,
      time: request.now,
      fieldsType: 'FieldsV1',
      fieldsV1: applied,
    },
  ];
  return object as KubeObject;
}

/** The part of a set at one key path, if the set has it. */
function pick(set: FieldSet, path: string[]): FieldSet | undefined {
  let current: FieldSet | undefined = set;
  const picked: FieldSet = {};
  let cursor = picked;
  for (const [index, key] of path.entries()) {
    current = current?.[key];
    if (!current) return undefined;
    cursor[key] = index === path.length - 1 ? current : {};
    cursor = cursor[key];
  }
  return picked;
}

/** 409 as structured-merge-diff words it; kubectl then suggests --force-conflicts. */
function applyConflict(
  resource: ResourceType,
  config: Json,
  conflicts: Array<{ message: string; field: string }>,
): ApiError {
  const listed = conflicts.map(c => `${c.message}: ${c.field}`);
  return new ApiError(
    409,
    'Conflict',
    `Apply failed with ${conflicts.length} conflict${
      conflicts.length === 1 ? '' : 's'
    }: ${listed.join('\n')}`,
    {
      name: (config.metadata as Json | undefined)?.name,
      ...(resource.group && { group: resource.group }),
      kind: resource.plural,
      causes: conflicts.map(c => ({
        reason: 'FieldManagerConflict',
        message: c.message,
        field: c.field,
      })),
    },
  );
}

/** 422 for an apply without a field manager, in the apiserver's words. */
export function fieldManagerRequired(): ApiError {
  return new ApiError(
    422,
    'Invalid',
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  );
}
