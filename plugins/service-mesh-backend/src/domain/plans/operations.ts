import { applyPatch, deepClone } from 'fast-json-patch';
import { stringify } from 'yaml';
import type {
  JsonPatchOperation,
  KubeOperation,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { KubeObject } from '../kube';
import { describeObjectChange } from './describe';
import { objectChanges } from './diff';

/** Escapes a map key (`istio.io/rev`) for a JSON Pointer (`istio.io~1rev`). */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Bookkeeping the API server keeps on every object; it says nothing about the change. */
const NOISY_METADATA = [
  'managedFields',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
];

/** YAML people read: the object as asked for, without its status and bookkeeping. */
export function toYaml(object: unknown): string {
  const copy = deepClone(object);
  if (copy && typeof copy === 'object') {
    delete copy.status;
    for (const key of NOISY_METADATA) {
      delete copy.metadata?.[key];
    }
  }
  return stringify(copy, { lineWidth: 0 });
}

/**
 * A JSON Patch of an object. The patch is applied to a copy here, so a plan
 * whose `test` preconditions do not hold against the object it was made
 * from fails at planning time rather than on the server.
 */
export function patchOperation(
  object: KubeObject,
  patch: JsonPatchOperation[],
  summary: string,
): KubeOperation {
  const result = applyPatch(
    deepClone(object),
    patch as any,
    true,
    false,
  ).newDocument;
  return {
    verb: 'patch',
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    patch,
    summary,
    changes: objectChanges(object, result),
    resultYaml: toYaml(result),
  };
}

export function createOperation(
  object: KubeObject,
  summary: string,
): KubeOperation {
  return {
    verb: 'create',
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    object: deepClone(object),
    summary,
    changes: objectChanges(undefined, object),
    resultYaml: toYaml(object),
  };
}

export function deleteOperation(
  object: KubeObject,
  summary: string,
): KubeOperation {
  const { resourceVersion, uid } = object.metadata;
  return {
    verb: 'delete',
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    preconditions:
      resourceVersion || uid ? { resourceVersion, uid } : undefined,
    summary,
    resultYaml: '',
  };
}

/** Guards a whole-object patch against concurrent writers. */
export function resourceVersionTest(object: KubeObject): JsonPatchOperation[] {
  const resourceVersion = object.metadata.resourceVersion;
  return resourceVersion
    ? [
        {
          op: 'test',
          path: '/metadata/resourceVersion',
          value: resourceVersion,
        },
      ]
    : [];
}

/**
 * JSON Patch operations that bring a string map (labels or annotations at
 * `mapPath`) to the wanted values; `null` removes a key. Only differences
 * produce operations, so an already-satisfied change yields none.
 */
export function mapChanges(
  current: Record<string, string> | undefined,
  mapPath: string,
  wanted: Record<string, string | null>,
): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  const additions: Record<string, string> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const path = `${mapPath}/${escapePointer(key)}`;
    const present = current !== undefined && key in current;
    if (value === null) {
      if (present) {
        operations.push({ op: 'remove', path });
      }
    } else if (!present) {
      additions[key] = value;
      if (current !== undefined) {
        operations.push({ op: 'add', path, value });
      }
    } else if (current[key] !== value) {
      operations.push({ op: 'replace', path, value });
    }
  }
  if (current === undefined && Object.keys(additions).length > 0) {
    // The map does not exist yet: create it whole.
    operations.push({ op: 'add', path: mapPath, value: additions });
  }
  return operations;
}

/**
 * A label patch of an object, guarded by its resourceVersion; none when
 * nothing changes. A summary function gets the changes in plain words.
 */
export function labelPatch(
  object: KubeObject,
  wanted: Record<string, string | null>,
  summary: string | ((changesInWords: string) => string),
): KubeOperation | undefined {
  const changes = mapChanges(
    object.metadata.labels,
    '/metadata/labels',
    wanted,
  );
  if (changes.length === 0) {
    return undefined;
  }
  const operation = patchOperation(
    object,
    [...resourceVersionTest(object), ...changes],
    typeof summary === 'string' ? summary : '',
  );
  if (typeof summary !== 'string') {
    operation.summary = summary(
      (operation.changes ?? []).map(describeObjectChange).join('; '),
    );
  }
  return operation;
}

/** `a=b, c-` in kubectl's label syntax, for the upgrade steps' records. */
export function describeLabels(wanted: Record<string, string | null>): string {
  return Object.entries(wanted)
    .map(([key, value]) => (value === null ? `${key}-` : `${key}=${value}`))
    .join(' ');
}
