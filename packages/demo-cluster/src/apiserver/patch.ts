import {
  applyPatch as applyJsonPatch,
  JsonPatchError,
  Operation,
} from 'fast-json-patch';
import { unknownBodyFormat, unsupportedMediaType } from './status';
import { ApiError, KubeObject, PatchType } from './types';

type JsonMap = Record<string, unknown>;

/** The patch content types the server accepts, for 415 messages. */
export const SUPPORTED_PATCH_TYPES: PatchType[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/** In process, apply patches have no field manager: they are served over HTTP only (http/applyHandler.ts). */
export function serverSideApplyUnsupported(): ApiError {
  return unsupportedMediaType(
    'server-side apply is served over HTTP only (PATCH with application/apply-patch+yaml and a fieldManager); ClusterApi.patch takes JSON, merge and strategic merge patches',
  );
}

function isMap(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Applies a PATCH body to an object, as the apiserver does before it runs the
 * result through update (so resourceVersion, admission and status rules hold).
 */
export function applyPatch(
  current: KubeObject,
  patchType: string,
  patch: unknown,
): KubeObject {
  const type = patchType.split(';')[0].trim();
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatchOps(current, patch);
    case 'application/merge-patch+json':
      return mergeOrFail(current, patch, mergePatch);
    case 'application/strategic-merge-patch+json':
      return mergeOrFail(current, patch, (target, p) =>
        strategicMergePatch(target, p, []),
      );
    case 'application/apply-patch+yaml':
      throw serverSideApplyUnsupported();
    default:
      throw unknownBodyFormat(SUPPORTED_PATCH_TYPES);
  }
}

function applyJsonPatchOps(current: KubeObject, patch: unknown): KubeObject {
  if (!Array.isArray(patch)) {
    throw new ApiError(
      400,
      'BadRequest',
      'json patch must be an array of operations',
    );
  }
  try {
    // A JSON copy, not structuredClone: objects built in code may share
    // sub-objects (one `service` in several webhooks), which JSON never does.
    return applyJsonPatch(
      JSON.parse(JSON.stringify(current)),
      patch as Operation[],
      true,
      true,
    ).newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      // Kubernetes answers a failed `test` op, and ops on missing paths, with 422.
      const message =
        error.name === 'TEST_OPERATION_FAILED'
          ? `the server rejected our request due to an error in our request: testing value ${JSON.stringify(
              (error.operation as { path?: string })?.path,
            )} failed`
          : `the server rejected our request due to an error in our request: ${
              error.message.split('\n')[0]
            }`;
      throw new ApiError(422, 'Invalid', message);
    }
    throw error;
  }
}

function mergeOrFail(
  current: KubeObject,
  patch: unknown,
  merge: (target: unknown, patch: unknown) => unknown,
): KubeObject {
  if (!isMap(patch)) {
    throw new ApiError(400, 'BadRequest', 'merge patch must be a JSON object');
  }
  return merge(structuredClone(current), patch) as KubeObject;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) {
    return patch;
  }
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * The merge keys of the lists strategic merge patch merges by element,
 * keyed by field name (the demo cluster's stand-in for the Go struct tags).
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  conditions: 'type',
  ownerReferences: 'uid',
};

/** Lists of primitives strategic merge patch treats as sets. */
const SET_LISTS = new Set(['finalizers']);

/** `ports` is merged by containerPort inside containers and by port in a Service spec. */
function mergeKeyFor(field: string, path: string[]): string | undefined {
  if (field === 'ports') {
    const parent = path[path.length - 1];
    return parent === 'spec' ? 'port' : 'containerPort';
  }
  return MERGE_KEYS[field];
}

/**
 * Strategic merge patch, as kubectl sends it for `label`, `annotate`,
 * `rollout restart` and client-side `apply`: a merge patch whose known lists
 * merge element-wise by key, with the `$patch` and
 * `$deleteFromPrimitiveList` directives.
 */
export function strategicMergePatch(
  target: unknown,
  patch: unknown,
  path: string[],
): unknown {
  if (!isMap(patch)) {
    return patch;
  }
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...replacement } = patch;
    return replacement;
  }
  if (patch.$patch === 'delete') {
    return undefined;
  }
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const remove = new Set(Array.isArray(value) ? value : []);
      if (Array.isArray(result[field])) {
        result[field] = (result[field] as unknown[]).filter(
          item => !remove.has(item),
        );
      }
      continue;
    }
    if (key.startsWith('$')) {
      // $setElementOrder and $retainKeys only order or prune; the demo ignores them.
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = mergeKeyFor(key, path);
    if (Array.isArray(value) && Array.isArray(result[key]) && mergeKey) {
      result[key] = mergeList(result[key] as unknown[], value, mergeKey, [
        ...path,
        key,
      ]);
    } else if (
      Array.isArray(value) &&
      Array.isArray(result[key]) &&
      SET_LISTS.has(key)
    ) {
      result[key] = [...new Set([...(result[key] as unknown[]), ...value])];
    } else {
      const merged = strategicMergePatch(result[key], value, [...path, key]);
      if (merged === undefined) {
        delete result[key];
      } else {
        result[key] = merged;
      }
    }
  }
  return result;
}

function mergeList(
  current: unknown[],
  patch: unknown[],
  mergeKey: string,
  path: string[],
): unknown[] {
  if (patch.some(item => isMap(item) && item.$patch === 'replace')) {
    return patch.filter(item => !(isMap(item) && item.$patch === 'replace'));
  }
  const result = [...current];
  for (const item of patch) {
    if (!isMap(item) || item[mergeKey] === undefined) {
      result.push(item);
      continue;
    }
    const index = result.findIndex(
      existing => isMap(existing) && existing[mergeKey] === item[mergeKey],
    );
    if (item.$patch === 'delete') {
      if (index >= 0) {
        result.splice(index, 1);
      }
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item, path);
    } else {
      result.push(strategicMergePatch({}, item, path));
    }
  }
  return result;
}
