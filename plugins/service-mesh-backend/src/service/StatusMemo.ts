/**
 * Derived answers of one cluster, kept while its cache has not changed.
 * A status is a pure function of the cache and the entity's namespaces, so
 * between two changes (most of the time, for most clusters) the same
 * question gets the same answer without deriving it again.
 */
export class StatusMemo<T> {
  private readonly byCluster = new Map<
    string,
    { version: number; answers: Map<string, T> }
  >();

  /** @param maxPerCluster - answers kept per cluster and version, at most */
  constructor(private readonly maxPerCluster = 1_000) {}

  /**
   * The answer for `key` on `cluster` at cache `version`: the one derived
   * before at that version, or `derive()`'s.
   */
  get(cluster: string, version: number, key: string, derive: () => T): T {
    let entry = this.byCluster.get(cluster);
    if (!entry || entry.version !== version) {
      entry = { version, answers: new Map() };
      this.byCluster.set(cluster, entry);
    }
    const known = entry.answers.get(key);
    if (known !== undefined) return known;
    const answer = derive();
    if (entry.answers.size >= this.maxPerCluster) {
      // Forget the oldest: Maps keep insertion order.
      entry.answers.delete(entry.answers.keys().next().value!);
    }
    entry.answers.set(key, answer);
    return answer;
  }
}
