/** Data younger than this is fresh and shows no age. */
export const FRESH_DATA_MS = 30_000;

/** "12 s ago", "3 min ago", "2 h ago", "4 days ago". */
export function formatAge(ageMs: number): string {
  const seconds = Math.max(0, Math.round(ageMs / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours} h ago`;
  }
  return `${Math.floor(hours / 24)} days ago`;
}

/**
 * "as of 12 s ago" when the data is older than {@link FRESH_DATA_MS};
 * undefined when it is fresh or its time is unknown.
 */
export function staleDataText(
  dataAsOf: string | undefined,
  now: number = Date.now(),
): string | undefined {
  if (!dataAsOf) {
    return undefined;
  }
  const age = now - Date.parse(dataAsOf);
  if (Number.isNaN(age) || age < FRESH_DATA_MS) {
    return undefined;
  }
  return `as of ${formatAge(age)}`;
}

/** What the card and tab say about a cluster whose data the backend calls stale. */
export function staleClusterText(
  cluster: { name: string; stale?: boolean; dataAsOf?: string },
  now: number = Date.now(),
): string | undefined {
  if (!cluster.stale) {
    return undefined;
  }
  const age = cluster.dataAsOf ? now - Date.parse(cluster.dataAsOf) : NaN;
  const data = Number.isNaN(age)
    ? 'data of unknown age'
    : `data from ${formatAge(age)}`;
  return `Cluster ${cluster.name} is stale: ${data}. Changes made since are not shown, and restarts are refused until it is read again.`;
}
