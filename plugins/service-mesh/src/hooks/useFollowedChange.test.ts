import { act, renderHook } from '@testing-library/react';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { restartPlan, switchRevisionPlan } from '../__fixtures__/meshStatus';
import {
  checkoutRollingOut,
  restartCheckoutIntent,
  switchCheckoutIntent,
} from '../__fixtures__/cardStates';
import type { MeshActionIntent } from '../components/ActionDialog';
import type { LiveConnection } from './useLiveData';
import {
  FOLLOW_RELOAD_MS,
  FOLLOW_TIMEOUT_MS,
  useFollowedChange,
} from './useFollowedChange';

const applied = { ...restartPlan, dryRun: false, applied: true };

describe('useFollowedChange', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function render(connection: LiveConnection) {
    const refresh = jest.fn();
    const hook = renderHook(
      ({ status }: { status: EntityMeshStatus }) =>
        useFollowedChange(status, refresh, connection),
      { initialProps: { status: checkoutRollingOut([0, 0]) } },
    );
    return { refresh, hook };
  }

  it('without signals, reloads every 2 s while the rollout runs, not every 30 s, and stops once settled', () => {
    const { refresh, hook } = render('polling');
    act(() => hook.result.current.follow(restartCheckoutIntent, applied));
    expect(refresh).toHaveBeenCalledTimes(1);

    act(() => jest.advanceTimersByTime(FOLLOW_RELOAD_MS.polling * 3));
    expect(refresh).toHaveBeenCalledTimes(4);
    expect(hook.result.current.progress?.text).toBe(
      'Rolling out: 0 of 4 pods on the new proxy',
    );

    hook.rerender({ status: checkoutRollingOut([2, 2]) });
    expect(hook.result.current.progress?.settled).toBe(true);
    act(() => jest.advanceTimersByTime(FOLLOW_RELOAD_MS.polling * 5));
    expect(refresh).toHaveBeenCalledTimes(4);
  });

  it('with signals, reloads only as a safety net for a lost signal', () => {
    const { refresh, hook } = render('live');
    act(() => hook.result.current.follow(restartCheckoutIntent, applied));
    act(() => jest.advanceTimersByTime(FOLLOW_RELOAD_MS.live - 1));
    expect(refresh).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(1));
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('keeps the settled outcome whatever the status does next', () => {
    const { hook } = render('live');
    act(() => hook.result.current.follow(restartCheckoutIntent, applied));
    hook.rerender({ status: checkoutRollingOut([2, 2]) });
    hook.rerender({ status: checkoutRollingOut([0, 0]) });
    expect(hook.result.current.progress).toMatchObject({
      settled: true,
      text: 'Rolled out: 4 of 4 pods on the new proxy',
    });
  });

  it('gives up following after 5 minutes, saying so', () => {
    const { refresh, hook } = render('polling');
    act(() => hook.result.current.follow(restartCheckoutIntent, applied));
    act(() => jest.advanceTimersByTime(FOLLOW_TIMEOUT_MS));
    expect(hook.result.current.timedOut).toBe(true);
    const calls = refresh.mock.calls.length;
    act(() => jest.advanceTimersByTime(FOLLOW_RELOAD_MS.polling * 5));
    expect(refresh).toHaveBeenCalledTimes(calls);
  });

  it('follows nothing when the action changed nothing', () => {
    const { hook } = render('live');
    act(() =>
      hook.result.current.follow(restartCheckoutIntent, {
        ...applied,
        applied: false,
      }),
    );
    expect(hook.result.current.change).toBeUndefined();
    expect(hook.result.current.progress).toBeUndefined();
  });

  describe('a restart confirmed with a change', () => {
    // checkout does not use 1-25-0 yet.
    const switchIntent: MeshActionIntent = switchCheckoutIntent('1-25-0');
    const switched = { ...switchRevisionPlan, dryRun: false, applied: true };

    it('follows the restart, after the change it came with', () => {
      const { hook } = render('live');
      act(() => hook.result.current.follow(switchIntent, switched));
      act(() => hook.result.current.follow(restartCheckoutIntent, applied));
      expect(hook.result.current.change).toMatchObject({
        intent: restartCheckoutIntent,
        afterChange: { intent: switchIntent },
      });
      expect(hook.result.current.progress?.text).toBe(
        'Waiting for checkout to use 1-25-0',
      );
    });

    it('keeps following the change when the restart changed nothing', () => {
      const { hook } = render('live');
      act(() => hook.result.current.follow(switchIntent, switched));
      act(() =>
        hook.result.current.follow(restartCheckoutIntent, {
          ...applied,
          applied: false,
        }),
      );
      expect(hook.result.current.change?.intent).toBe(switchIntent);
    });

    it('follows an unrelated restart on its own', () => {
      const { hook } = render('live');
      act(() => hook.result.current.follow(switchIntent, switched));
      act(() =>
        hook.result.current.follow({ ...restartCheckoutIntent }, applied),
      );
      expect(hook.result.current.change?.afterChange).toBeUndefined();
      expect(hook.result.current.progress?.text).toBe(
        'Rolling out: 0 of 4 pods on the new proxy',
      );
    });
  });
});
