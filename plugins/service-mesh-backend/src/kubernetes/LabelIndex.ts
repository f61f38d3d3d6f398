import {
  LabelSelector,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';

interface Labelled {
  metadata: { labels?: Record<string, string> };
}

/**
 * Objects by label key and value, so that a selector with an equality, `in`
 * or `exists` term looks at the objects that carry that label only, not at
 * every object of the cluster.
 */
export class LabelIndex<T extends Labelled> {
  private readonly byKey = new Map<string, Map<string, Set<T>>>();

  add(item: T): void {
    for (const [key, value] of Object.entries(item.metadata.labels ?? {})) {
      let values = this.byKey.get(key);
      if (!values) {
        values = new Map();
        this.byKey.set(key, values);
      }
      let items = values.get(value);
      if (!items) {
        items = new Set();
        values.set(value, items);
      }
      items.add(item);
    }
  }

  remove(item: T): void {
    for (const [key, value] of Object.entries(item.metadata.labels ?? {})) {
      const values = this.byKey.get(key);
      const items = values?.get(value);
      if (!values || !items) continue;
      items.delete(item);
      if (items.size === 0) values.delete(value);
      if (values.size === 0) this.byKey.delete(key);
    }
  }

  clear(): void {
    this.byKey.clear();
  }

  /**
   * The objects `selector` may match, from its most selective term that
   * requires a label; `undefined` when no term requires one (an empty
   * selector, or only `!=`, `notin` and `!key`), so the caller must scan.
   * Every object the selector matches is among them; check each with
   * {@link matchesLabelSelector}, or use {@link LabelIndex.matching}.
   */
  candidates(selector: LabelSelector): T[] | undefined {
    const options: Array<() => T[]> = [];
    const sizes: number[] = [];
    const consider = (key: string, values: string[] | undefined) => {
      const byValue = this.byKey.get(key) ?? new Map<string, Set<T>>();
      const sets = values
        ? values.flatMap(v => byValue.get(v) ?? [])
        : [...byValue.values()];
      sizes.push(sets.reduce((n, s) => n + s.size, 0));
      options.push(() => sets.flatMap(s => [...s]));
    };
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
      consider(key, [value]);
    }
    for (const requirement of selector.matchExpressions ?? []) {
      if (requirement.operator === 'In') {
        consider(requirement.key, requirement.values ?? []);
      } else if (requirement.operator === 'Exists') {
        consider(requirement.key, undefined);
      }
    }
    if (options.length === 0) return undefined;
    const smallest = sizes.indexOf(Math.min(...sizes));
    return options[smallest]();
  }

  /** The indexed objects `selector` matches, or `undefined` when it needs a scan. */
  matching(selector: LabelSelector): T[] | undefined {
    return this.candidates(selector)?.filter(item =>
      matchesLabelSelector(selector, item.metadata.labels),
    );
  }
}
