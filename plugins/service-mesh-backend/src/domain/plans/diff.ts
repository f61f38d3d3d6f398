import type { ObjectChange } from '@mesh-backstage/plugin-service-mesh-common';

/*
 * What an operation changes in an object, field by field, for people: the
 * spec, labels and annotations, never the status or the bookkeeping
 * metadata (uid, resourceVersion, managedFields) that kubectl prints.
 */

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: Json): value is string | number | boolean | null {
  return (
    value === null || ['string', 'number', 'boolean'].includes(typeof value)
  );
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The parts of an object a change is about: labels, annotations and everything but status. */
export function meaningfulParts(
  object: Record<string, any> | undefined,
): Record<string, Json> {
  if (!object) return {};
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = object;
  const parts: Record<string, Json> = { ...rest };
  const meta: Record<string, Json> = {};
  if (metadata?.labels) meta.labels = metadata.labels;
  if (metadata?.annotations) meta.annotations = metadata.annotations;
  if (Object.keys(meta).length) parts.metadata = meta;
  return parts;
}

function diffValues(
  path: string[],
  before: Json,
  after: Json,
  out: ObjectChange[],
): void {
  if (equal(before, after)) return;
  if (
    (before === undefined || isPlainObject(before)) &&
    (after === undefined || isPlainObject(after)) &&
    (isPlainObject(before) || isPlainObject(after))
  ) {
    const b = (before ?? {}) as Record<string, Json>;
    const a = (after ?? {}) as Record<string, Json>;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      diffValues([...path, key], b[key], a[key], out);
    }
    return;
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    [...before, ...after].every(isScalar)
  ) {
    // A list of names (member roll members, egress hosts): say which
    // entries come and go rather than repeat the whole list.
    for (const item of before.filter(x => !after.includes(x))) {
      out.push({ path, before: item, item: true });
    }
    for (const item of after.filter(x => !before.includes(x))) {
      out.push({ path, after: item, item: true });
    }
    return;
  }
  out.push({
    path,
    ...(before !== undefined && { before }),
    ...(after !== undefined && { after }),
  });
}

/**
 * The field changes from `before` to `after` (either may be absent, for a
 * create or a delete), in document order.
 */
export function objectChanges(
  before: Record<string, any> | undefined,
  after: Record<string, any> | undefined,
): ObjectChange[] {
  const out: ObjectChange[] = [];
  diffValues([], meaningfulParts(before), meaningfulParts(after), out);
  return out;
}
