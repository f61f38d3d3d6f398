import {
  LabelSelector,
  LabelSelectorRequirement,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ApiError, KubeObject } from './types';

function badSelector(selector: string, why: string): ApiError {
  return new ApiError(
    400,
    'BadRequest',
    `unable to parse requirement: ${why} in selector "${selector}"`,
  );
}

/**
 * Splits on commas that are not inside a `(...)` value set, so
 * `env in (a,b),tier` yields two requirements.
 */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map(part => part.trim()).filter(part => part.length > 0);
}

const SET_REQUIREMENT = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY_REQUIREMENT = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Parses a string label selector, the form used in `?labelSelector=` and
 * `kubectl -l`, into the object form so matching has one implementation.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const requirements: LabelSelectorRequirement[] = [];
  for (const part of splitRequirements(selector)) {
    const set = SET_REQUIREMENT.exec(part);
    const equality = EQUALITY_REQUIREMENT.exec(part);
    let requirement: LabelSelectorRequirement;
    if (set) {
      requirement = {
        key: set[1],
        operator: set[2] === 'in' ? 'In' : 'NotIn',
        values: set[3]
          .split(',')
          .map(value => value.trim())
          .filter(value => value.length > 0),
      };
    } else if (equality) {
      requirement = {
        key: equality[1],
        operator: equality[2] === '!=' ? 'NotIn' : 'In',
        values: [equality[3]],
      };
    } else if (part.startsWith('!')) {
      requirement = { key: part.slice(1).trim(), operator: 'DoesNotExist' };
    } else {
      requirement = { key: part, operator: 'Exists' };
    }
    if (!LABEL_KEY.test(requirement.key)) {
      throw badSelector(selector, `invalid label key "${requirement.key}"`);
    }
    requirements.push(requirement);
  }
  return { matchExpressions: requirements };
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
    return {
      path: match[1].split('.'),
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
    ? parseLabelSelector(options.labelSelector)
    : undefined;
  const fields = options.fieldSelector
    ? parseFieldSelector(options.fieldSelector)
    : [];
  return object =>
    (labels === undefined ||
      matchesLabelSelector(labels, object.metadata.labels)) &&
    matchesFieldRequirements(object, fields);
}
