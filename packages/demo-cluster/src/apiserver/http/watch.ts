import { ServerResponse } from 'node:http';
import { ClusterStore, WatchOptions } from '../ClusterStore';
import { apiVersionOf, objectJson } from '../objects';
import { statusOf } from '../status';
import { IncludeObject, TableVersion, toTable } from '../table';
import { ApiError, KubeObject, ResourceType } from '../types';
import { ResourceCall } from './resourceCall';

/** An open watch response. */
export interface WatchStream {
  /** Ends the stream: cleanly (as a timeout does) or by destroying the socket. */
  close(abrupt: boolean): void;
  /** From now on delivers nothing and never ends by itself (a stuck stream). */
  silence(): void;
  onClose(listener: () => void): void;
}

export interface ServeWatchOptions {
  store: ClusterStore;
  resource: ResourceType;
  options: WatchOptions;
  present: (object: KubeObject) => KubeObject;
  allowBookmarks: boolean;
  /**
   * `sendInitialEvents=true` (a streaming list, which client-go and kubectl
   * 1.35 use): the current objects as ADDED, then a BOOKMARK marked
   * `k8s.io/initial-events-end`, then changes.
   */
  sendInitialEvents?: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds: number;
  table?: { tableVersion: TableVersion; includeObject?: IncludeObject };
  /** Deliver nothing from the start (a fault). */
  silent?: boolean;
}

/**
 * Streams watch events as newline-delimited JSON, the way the apiserver does
 * for `?watch=true`. A resourceVersion older than the store's history ends
 * the stream with an ERROR event carrying a 410 Expired Status, which is what
 * informers relist on.
 */
export function serveWatch(
  res: ServerResponse,
  watch: ServeWatchOptions,
): WatchStream | undefined {
  const { store, resource, present, table } = watch;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let firstTableEvent = true;
  let silent = watch.silent ?? false;
  const write = (type: string, object: unknown) => {
    if (silent) return;
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const writeObject = (type: string, object: KubeObject) => {
    if (silent) return;
    const presented = present(object);
    if (!table) {
      res.write(`{"type":"${type}","object":${objectJson(presented)}}\n`);
      return;
    }
    write(
      type,
      toTable(resource, [presented], {
        ...table,
        includeColumns: firstTableEvent,
        listMetadata: { resourceVersion: object.metadata.resourceVersion },
      }),
    );
    firstTableEvent = false;
  };

  const bookmark = (annotations?: Record<string, string>) =>
    write('BOOKMARK', {
      kind: resource.kind,
      apiVersion: apiVersionOf(resource.group, resource.version),
      metadata: { resourceVersion: store.resourceVersion(), annotations },
    });

  let stopWatching: () => void;
  try {
    stopWatching = store.watch(
      resource,
      // NotOlderThan any given version: the current state always qualifies.
      watch.sendInitialEvents
        ? { ...watch.options, resourceVersion: undefined }
        : watch.options,
      event => writeObject(event.type, event.object),
    );
  } catch (error) {
    if (error instanceof ApiError && error.code === 410) {
      write('ERROR', statusOf(error));
      res.end();
      return undefined;
    }
    throw error;
  }
  // store.watch replays synchronously, so this follows the last initial event.
  if (watch.sendInitialEvents) {
    bookmark({ 'k8s.io/initial-events-end': 'true' });
  }

  const closeListeners: Array<() => void> = [];
  let closed = false;
  const timers: { bookmarks?: NodeJS.Timeout; timeout?: NodeJS.Timeout } = {};
  const stopTimers = () => {
    clearInterval(timers.bookmarks);
    clearTimeout(timers.timeout);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    stopWatching();
    stopTimers();
    closeListeners.forEach(listener => listener());
  };

  if (!silent) {
    if (watch.allowBookmarks) {
      timers.bookmarks = setInterval(
        () => bookmark(),
        watch.bookmarkIntervalMs,
      );
    }
    timers.timeout = setTimeout(() => {
      finish();
      res.end();
    }, Math.min(watch.timeoutSeconds * 1000, 2 ** 31 - 1));
  }
  // Not req 'close': that fires once the request is read, not when the client goes.
  res.on('close', finish);

  return {
    close(abrupt) {
      finish();
      if (abrupt) {
        res.socket?.destroy();
      } else {
        res.end();
      }
    },
    silence() {
      silent = true;
      stopTimers();
    },
    onClose(listener) {
      if (closed) {
        listener();
      } else {
        closeListeners.push(listener);
      }
    },
  };
}

/** What the server decides about every watch it opens. */
export interface WatchSettings {
  bookmarkIntervalMs: number;
  maxWatchSeconds: number;
  silent: boolean;
}

/** Opens the watch a `?watch=true` (or `/watch/...`) request asks for. */
export function openWatch(
  call: ResourceCall,
  res: ServerResponse,
  settings: WatchSettings,
): WatchStream | undefined {
  const { query, tableVersion, includeObject } = call;
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
  if (sendInitialEvents && !allowBookmarks) {
    // As the apiserver does: the end of the initial events is a bookmark.
    throw new ApiError(
      422,
      'Invalid',
      'sendInitialEvents requires setting allowWatchBookmarks to true',
    );
  }
  return serveWatch(res, {
    store: call.store,
    resource: call.resource,
    options: {
      ...call.listOptions,
      resourceVersion: query.get('resourceVersion') ?? undefined,
    },
    present: call.present,
    allowBookmarks,
    sendInitialEvents,
    bookmarkIntervalMs: settings.bookmarkIntervalMs,
    timeoutSeconds: Math.min(
      Number(query.get('timeoutSeconds')) || Infinity,
      settings.maxWatchSeconds,
    ),
    table: tableVersion && { tableVersion, includeObject },
    silent: settings.silent,
  });
}
