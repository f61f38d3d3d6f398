import { StoreEvent } from '../types';

/**
 * Delivers stored changes to subscribers in resourceVersion order, even when
 * a subscriber writes while it is being notified: its change is queued and
 * delivered after the current one has reached everybody.
 */
export class EventFanout {
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #pending: StoreEvent[] = [];
  #dispatching = false;

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: StoreEvent): void {
    this.#pending.push(event);
    if (this.#dispatching) {
      return;
    }
    this.#dispatching = true;
    try {
      for (;;) {
        const next = this.#pending.shift();
        if (!next) break;
        for (const listener of [...this.#listeners]) {
          try {
            listener(next);
          } catch (error) {
            this.onListenerError(error);
          }
        }
      }
    } finally {
      this.#dispatching = false;
    }
  }
}
