/** Runs tasks with the same key one after another; tasks of other keys run meanwhile. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /**
   * Runs `task` once it has the turn of every key. Keys are taken in sorted
   * order, so two tasks wanting overlapping keys cannot wait for each other.
   */
  runAll<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    return sorted.reduceRight<() => Promise<T>>(
      (inner, key) => () => this.run(key, inner),
      task,
    )();
  }
}
