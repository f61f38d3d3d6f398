import { typeKey } from '../objects';
import { compileSelectors } from '../selectors';
import { KubeObject, ListOptions, ResourceType, StoreEvent } from '../types';

/**
 * What one watch sees of the store's changes: only its type, namespace and
 * selectors. An object that stops matching a selector arrives as DELETED,
 * one that starts matching as ADDED, as the real apiserver does.
 */
export function watchFilter(
  resource: ResourceType,
  options: ListOptions,
): (event: StoreEvent) => StoreEvent | undefined {
  const key = typeKey(resource);
  const matchesSelectors = compileSelectors(options);
  const matches = (object: KubeObject | undefined) =>
    object !== undefined &&
    (!options.namespace ||
      !resource.namespaced ||
      object.metadata.namespace === options.namespace) &&
    matchesSelectors(object);
  return event => {
    if (typeKey(event.resource) !== key) {
      return undefined;
    }
    const now = matches(event.object);
    if (event.type !== 'MODIFIED' || !event.oldObject) {
      return now ? event : undefined;
    }
    const before = matches(event.oldObject);
    if (before && now) return event;
    if (now) return { ...event, type: 'ADDED' };
    if (before) return { ...event, type: 'DELETED' };
    return undefined;
  };
}

/**
 * Delivers a watch's start, then its live changes: the current objects as
 * ADDED, or the replayed changes it resumes after (filtered like live
 * ones). Returns the function that stops it.
 */
export function followWatch(
  resource: ResourceType,
  options: ListOptions,
  start: { objects: readonly KubeObject[] } | { replay: StoreEvent[] },
  onEvent: (event: StoreEvent) => void,
  subscribe: (listener: (event: StoreEvent) => void) => () => void,
): () => void {
  const filter = watchFilter(resource, options);
  if ('objects' in start) {
    for (const object of start.objects) {
      onEvent({ type: 'ADDED', resource, object });
    }
  } else {
    for (const replayed of start.replay) {
      const event = filter(replayed);
      if (event) onEvent(event);
    }
  }
  return subscribe(event => {
    const filtered = filter(event);
    if (filtered) {
      onEvent(filtered);
    }
  });
}
