import { useCallback, useEffect, useRef, useState } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import { usePollWhileVisible } from './usePollWhileVisible';

/** How often a failed load is tried again while the backend cannot be reached. */
export const RECONNECT_RETRY_MS = 5_000;

/**
 * `live`: signals arrive and the data is current. `reconnecting`: the
 * browser is offline or the backend did not answer; the last data stays
 * shown and is reloaded whole once the connection is back. `polling`: the
 * app has no signals, so the data is polled while the page is visible.
 */
export type LiveConnection = 'live' | 'reconnecting' | 'polling';

export interface LiveData<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  connection: LiveConnection;
  reload: () => void;
}

/**
 * Data kept current by a signal channel: every signal on it reloads the
 * whole state (signals only say that something changed), with no polling
 * while connected. Loads never overlap: a signal during a load reloads once
 * more after it. Going offline shows `reconnecting`; coming back online, or
 * the first successful retry, reloads everything, so nothing missed while
 * disconnected stays missing.
 */
export function useLiveData<T>(
  channel: string,
  load: () => Promise<T>,
): LiveData<T> {
  const { lastSignal, isSignalsAvailable } = useSignal(channel);
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
    disconnected: boolean;
  }>({ loading: true, disconnected: false });
  const inFlight = useRef(false);
  const again = useRef(false);
  const retry = useRef<ReturnType<typeof setTimeout>>();
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const mounted = useRef(true);

  const reload = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    clearTimeout(retry.current);
    latestLoad
      .current()
      .then(
        value => {
          if (mounted.current) {
            setState({ value, loading: false, disconnected: false });
          }
        },
        (error: Error) => {
          if (!mounted.current) return;
          setState(s => ({
            ...s,
            error,
            loading: false,
            // A refused request (403, 404) is an answer, not a lost connection.
            disconnected: s.value !== undefined && !isAnswer(error),
          }));
          if (!isAnswer(error)) {
            retry.current = setTimeout(reload, RECONNECT_RETRY_MS);
          }
        },
      )
      .finally(() => {
        inFlight.current = false;
        if (again.current && mounted.current) {
          again.current = false;
          reload();
        }
      });
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      clearTimeout(retry.current);
    };
  }, []);

  // The first load, and again whenever what is loaded changes.
  useEffect(() => {
    setState({ loading: true, disconnected: false });
    reload();
  }, [channel, reload]);

  // Every signal means "changed": reload.
  useEffect(() => {
    if (lastSignal) reload();
  }, [lastSignal, reload]);

  useEffect(() => {
    const offline = () => setState(s => ({ ...s, disconnected: true }));
    const online = () => reload();
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
    };
  }, [reload]);

  usePollWhileVisible(() => {
    if (!isSignalsAvailable) reload();
  });

  let connection: LiveConnection = 'live';
  if (state.disconnected) connection = 'reconnecting';
  else if (!isSignalsAvailable) connection = 'polling';
  return {
    value: state.value,
    error: state.error,
    loading: state.loading,
    connection,
    reload,
  };
}

/** A response from the backend, as opposed to no response at all. */
function isAnswer(error: Error): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return typeof status === 'number' && status < 500;
}
