import { renderHook } from '@testing-library/react';
import { usePollWhileVisible } from './usePollWhileVisible';

describe('usePollWhileVisible', () => {
  let visibility: DocumentVisibilityState;

  beforeEach(() => {
    jest.useFakeTimers();
    visibility = 'visible';
    jest
      .spyOn(document, 'visibilityState', 'get')
      .mockImplementation(() => visibility);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const setVisibility = (state: DocumentVisibilityState) => {
    visibility = state;
    document.dispatchEvent(new Event('visibilitychange'));
  };

  it('polls every 30 s while visible, never faster', () => {
    const poll = jest.fn();
    renderHook(() => usePollWhileVisible(poll, 1_000));

    jest.advanceTimersByTime(29_999);
    expect(poll).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(poll).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect(poll).toHaveBeenCalledTimes(3);
  });

  it('does not poll while hidden, and catches up when shown again', () => {
    const poll = jest.fn();
    renderHook(() => usePollWhileVisible(poll));

    setVisibility('hidden');
    jest.advanceTimersByTime(120_000);
    expect(poll).not.toHaveBeenCalled();

    setVisibility('visible');
    expect(poll).toHaveBeenCalledTimes(1);
  });

  it('does not poll on a quick switch back to the tab', () => {
    const poll = jest.fn();
    renderHook(() => usePollWhileVisible(poll));

    jest.advanceTimersByTime(10_000);
    setVisibility('hidden');
    setVisibility('visible');

    expect(poll).not.toHaveBeenCalled();
  });

  it('stops when unmounted', () => {
    const poll = jest.fn();
    const { unmount } = renderHook(() => usePollWhileVisible(poll));

    unmount();
    jest.advanceTimersByTime(120_000);

    expect(poll).not.toHaveBeenCalled();
  });
});
