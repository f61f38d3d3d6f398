/** At most `limit` tasks run at once; the others wait their turn, first come first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1))
      throw new Error(`A semaphore needs a limit of 1 or more, not ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The permit passes straight to the next waiter, so none can jump the queue.
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Tasks running now; for tests and figures. */
  get inFlight(): number {
    return this.active;
  }
}
