import { ApiError, StoreEvent } from '../types';

interface HistoryEntry {
  resourceVersion: number;
  event: StoreEvent;
}

/**
 * The bounded window of recent changes that watches resume from, as the
 * apiserver's watch cache keeps it: a ring of the newest `size` events.
 */
export class ChangeHistory {
  readonly #size: number;
  readonly #entries: (HistoryEntry | undefined)[];
  #start = 0;
  #length = 0;
  /** The newest resourceVersion that has fallen out of the history. */
  #compactedThrough = 0;

  constructor(size: number) {
    this.#size = Math.max(1, size);
    this.#entries = new Array(this.#size);
  }

  /** The newest resourceVersion no longer in the history (0 while nothing has been dropped). */
  compactedThrough(): number {
    return this.#compactedThrough;
  }

  record(event: StoreEvent): void {
    const resourceVersion = Number(event.object.metadata.resourceVersion);
    if (this.#length === this.#size) {
      this.#compactedThrough = this.#entries[this.#start]!.resourceVersion;
      this.#start = (this.#start + 1) % this.#size;
      this.#length--;
    }
    this.#entries[(this.#start + this.#length) % this.#size] = {
      resourceVersion,
      event,
    };
    this.#length++;
  }

  /**
   * The changes after `resourceVersion`, oldest first. Throws ApiError 410
   * Expired when some of them are no longer in the history.
   */
  since(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.#compactedThrough) {
      throw new ApiError(
        410,
        'Expired',
        `too old resource version: ${resourceVersion} (${
          this.#compactedThrough + 1
        })`,
      );
    }
    const events: StoreEvent[] = [];
    // Scan backwards: a watch usually resumes near the newest change.
    for (let i = this.#length - 1; i >= 0; i--) {
      const entry = this.#entries[(this.#start + i) % this.#size]!;
      if (entry.resourceVersion <= resourceVersion) {
        break;
      }
      events.push(entry.event);
    }
    return events.reverse();
  }
}
