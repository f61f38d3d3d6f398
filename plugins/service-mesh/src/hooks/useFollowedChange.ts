import { useCallback, useEffect, useState } from 'react';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import type {
  AnyActionResponse,
  MeshActionIntent,
} from '../components/ActionDialog';
import {
  changeProgress,
  type ChangeProgress,
  type FollowedChange,
} from '../lib/rollout';
import type { LiveConnection } from './useLiveData';

/**
 * While a change rolls out the status is reloaded this often, on top of the
 * signals: a signal lost between two reloads must not leave the page on the
 * 30 s poll. Without signals, every 2 s.
 */
export const FOLLOW_RELOAD_MS = { live: 5_000, polling: 2_000 };

/** A change not settled by then is left to the ordinary refresh. */
export const FOLLOW_TIMEOUT_MS = 5 * 60_000;

export interface FollowedChangeState {
  change?: FollowedChange;
  progress?: ChangeProgress;
  /** The change did not settle within {@link FOLLOW_TIMEOUT_MS}. */
  timedOut: boolean;
  /**
   * Starts following an applied action; a restart confirmed with the
   * change followed is followed after it, and one that changed nothing
   * leaves that change followed.
   */
  follow: (intent: MeshActionIntent, result: AnyActionResponse) => void;
  dismiss: () => void;
}

/**
 * Follows an applied action on the cluster until it settles: the namespace
 * change, then the pods it replaces. Once settled the outcome stays as it
 * was, whatever the status does next.
 */
export function useFollowedChange(
  status: EntityMeshStatus | undefined,
  refresh: () => void,
  connection: LiveConnection,
): FollowedChangeState {
  const [change, setChange] = useState<FollowedChange>();
  const [settled, setSettled] = useState<ChangeProgress>();
  const [timedOut, setTimedOut] = useState(false);

  const current = change && (settled ?? changeProgress(status, change));
  const following = Boolean(change && !current?.settled && !timedOut);

  useEffect(() => {
    if (current?.settled && !settled) setSettled(current);
  }, [current, settled]);

  useEffect(() => {
    if (!following) return undefined;
    const period =
      connection === 'live' ? FOLLOW_RELOAD_MS.live : FOLLOW_RELOAD_MS.polling;
    const timer = setInterval(refresh, period);
    return () => clearInterval(timer);
  }, [following, connection, refresh]);

  useEffect(() => {
    if (!change) return undefined;
    const timer = setTimeout(() => setTimedOut(true), FOLLOW_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [change]);

  const follow = useCallback(
    (intent: MeshActionIntent, result: AnyActionResponse) => {
      setSettled(undefined);
      setTimedOut(false);
      setChange(previous => {
        // The restart offered with the change followed: that change first.
        const afterChange =
          previous && previous.intent.restart?.intent === intent
            ? previous
            : undefined;
        if (!result.applied) return afterChange;
        return { intent, result, appliedAt: Date.now(), afterChange };
      });
      refresh();
    },
    [refresh],
  );
  const dismiss = useCallback(() => {
    setChange(undefined);
    setSettled(undefined);
    setTimedOut(false);
  }, []);

  return { change, progress: current, timedOut, follow, dismiss };
}
