import { KubeObject } from '../types';

/** One Table column: its definition and how a row's cell is computed. */
export interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (object: KubeObject, now: Date) => unknown;
}

/** Ages as kubectl prints them: 45s, 12m, 3h4m, 6d, 2y. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return `${minutes}m${s % 60 ? `${s % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 ? `${hours % 24}h` : ''}`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

export function age(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string') {
    return '<unknown>';
  }
  return humanDuration((now.getTime() - Date.parse(timestamp)) / 1000);
}

/**
 * Evaluates the JSONPath subset printer columns use: `.a.b`, `[0]`, `[*]`
 * and `[?(@.type=="Ready")]` filters.
 */
export function evaluateJsonPath(object: unknown, path: string): unknown[] {
  const tokens =
    path
      .replace(/^\{|\}$/g, '')
      .replace(/^\$/, '')
      .match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let current: unknown[] = [object];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (token.startsWith('.')) {
        const child = (value as Record<string, unknown>)[token.slice(1)];
        if (child !== undefined) next.push(child);
        continue;
      }
      const inner = token.slice(1, -1);
      const items = Array.isArray(value) ? value : [];
      const filter = /^\?\(@\.([\w.-]+)\s*==\s*["']?([^"')]*)["']?\)$/.exec(
        inner,
      );
      if (inner === '*') {
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      } else if (filter) {
        next.push(
          ...items.filter(
            item =>
              String(evaluateJsonPath(item, `.${filter[1]}`)[0]) === filter[2],
          ),
        );
      } else if (/^-?\d+$/.test(inner)) {
        const index = Number(inner);
        const item = items[index < 0 ? items.length + index : index];
        if (item !== undefined) next.push(item);
      }
    }
    current = next;
  }
  return current;
}

export function formatValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(formatValue).join(' ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

export function field(object: KubeObject, path: string): unknown {
  return evaluateJsonPath(object, path)[0];
}

export const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: object => object.metadata.name,
};

export const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (object, now) => age(object.metadata.creationTimestamp, now),
};

export function column(
  name: string,
  cell: (object: KubeObject, now: Date) => unknown,
  options: { type?: string; priority?: number; description?: string } = {},
): Column {
  return {
    name,
    type: options.type ?? 'string',
    description: options.description ?? name,
    priority: options.priority ?? 0,
    cell,
  };
}
