import { FaultVerb } from './faultRules';

/**
 * How a request ended: `ok` (below 400), `error` (the server's own 4xx or
 * 5xx, such as a real 409 Conflict), `fault` (an injected error) or
 * `aborted` (the client went away before an answer).
 *
 * @public
 */
export type RequestOutcome = 'ok' | 'error' | 'fault' | 'aborted';

/** @public */
export interface RequestCountRow {
  group: string;
  plural: string;
  verb: FaultVerb;
  outcome: RequestOutcome;
  /** The HTTP status answered; 0 when aborted. */
  code: number;
  count: number;
}

/** @public */
export interface RequestCountFilter {
  group?: string;
  plural?: string;
  verb?: FaultVerb;
  outcome?: RequestOutcome;
}

/** Counts the resource requests a server answered, by resource, verb and outcome. */
export class RequestCounter {
  readonly #rows = new Map<string, RequestCountRow>();

  record(request: Omit<RequestCountRow, 'count'>): void {
    const key = [
      request.group,
      request.plural,
      request.verb,
      request.outcome,
      request.code,
    ].join(' ');
    const row = this.#rows.get(key);
    if (row) {
      row.count++;
    } else {
      this.#rows.set(key, { ...request, count: 1 });
    }
  }

  counts(filter: RequestCountFilter = {}): {
    total: number;
    rows: RequestCountRow[];
  } {
    const rows = [...this.#rows.values()]
      .filter(row =>
        (Object.keys(filter) as Array<keyof RequestCountFilter>).every(
          field => filter[field] === undefined || filter[field] === row[field],
        ),
      )
      .map(row => ({ ...row }));
    return { total: rows.reduce((sum, row) => sum + row.count, 0), rows };
  }

  reset(): void {
    this.#rows.clear();
  }
}
