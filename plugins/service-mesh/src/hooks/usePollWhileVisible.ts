import { useEffect, useRef } from 'react';

/** The backend serves status from caches, but many open tabs still add up. */
export const MIN_POLL_INTERVAL_MS = 30_000;

/**
 * Calls `poll` every `intervalMs` (at least {@link MIN_POLL_INTERVAL_MS})
 * while the page is visible. Hidden tabs do not poll; when the page becomes
 * visible again it polls at once if a poll is overdue.
 */
export function usePollWhileVisible(
  poll: () => void,
  intervalMs: number = MIN_POLL_INTERVAL_MS,
): void {
  const latestPoll = useRef(poll);
  latestPoll.current = poll;

  useEffect(() => {
    const period = Math.max(intervalMs, MIN_POLL_INTERVAL_MS);
    let lastPollAt = Date.now();
    let timer: ReturnType<typeof setInterval> | undefined;

    const isVisible = () => document.visibilityState === 'visible';
    const tick = () => {
      lastPollAt = Date.now();
      latestPoll.current();
    };
    const start = () => {
      if (timer === undefined) {
        timer = setInterval(tick, period);
      }
    };
    const stop = () => {
      if (timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    };
    const onVisibilityChange = () => {
      if (!isVisible()) {
        stop();
        return;
      }
      if (Date.now() - lastPollAt >= period) {
        tick();
      }
      start();
    };

    if (isVisible()) {
      start();
    }
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs]);
}
