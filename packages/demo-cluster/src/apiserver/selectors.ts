import {
  LabelSelector,
  matchesLabelSelector,
  parseLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ApiError, KubeObject } from './types';

/**
 * Parses a `?labelSelector=` value with the shared parser, answering
 * malformed input with 400 as the apiserver does.
 */
export function parseLabelSelectorParam(selector: string): LabelSelector {
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    throw new ApiError(
      400,
      'BadRequest',
      `unable to parse requirement: ${(error as Error).message}`,
    );
  }
}

/** Splits on commas, as field selectors have no value sets. */
function splitRequirements(selector: string): string[] {
  return selector
    .split(',')
    .map(part => part.trim())
    .filter(part => part.length > 0);
}

export interface FieldRequirement {
  path: string[];
  value: string;
  negated: boolean;
}

/** Parses `metadata.name=x,metadata.namespace!=y` (`=`, `==`, `!=`). */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitRequirements(selector).map(part => {
    const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) {
      throw new ApiError(
        400,
        'BadRequest',
        `invalid field selector "${selector}": expected field=value or field!=value`,
      );
    }
    // An event's `source` label is its source.component.
    const label = match[1] === 'source' ? 'source.component' : match[1];
    return {
      path: label.split('.'),
      value: match[3].trim(),
      negated: match[2] === '!=',
    };
  });
}

function fieldValue(object: KubeObject, path: string[]): string {
  let current: unknown = object;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return '';
    }
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) {
    return '';
  }
  return String(current);
}

/** Whether an object satisfies every field requirement; unset fields read as ''. */
export function matchesFieldRequirements(
  object: KubeObject,
  requirements: FieldRequirement[],
): boolean {
  return requirements.every(({ path, value, negated }) => {
    const equal = fieldValue(object, path) === value;
    return negated ? !equal : equal;
  });
}

/**
 * A compiled label + field selector, parsed once and applied to many objects
 * (lists and watch streams).
 */
export function compileSelectors(options: {
  labelSelector?: string;
  fieldSelector?: string;
}): (object: KubeObject) => boolean {
  const labels = options.labelSelector
    ? parseLabelSelectorParam(options.labelSelector)
    : undefined;
  const fields = options.fieldSelector
    ? parseFieldSelector(options.fieldSelector)
    : [];
  return object =>
    (labels === undefined ||
      matchesLabelSelector(labels, object.metadata.labels)) &&
    matchesFieldRequirements(object, fields);
}
