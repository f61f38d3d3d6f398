import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { UpgradeDetails } from '@mesh-backstage/plugin-service-mesh-common';
import {
  events,
  upgrade,
  UPGRADE_ID,
  type UpgradeScenario,
} from '../../__fixtures__/upgrades';
import {
  renderPlatform,
  TestSignals,
} from '../../__testUtils__/renderPlatform';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import { UpgradePage } from './UpgradePage';

const UPGRADE_URL = `${API_BASE}/upgrades/${UPGRADE_ID}`;

// Typing into MUI fields is slow on a loaded machine.
jest.setTimeout(30_000);

describe('UpgradePage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Serves the upgrade as `current()` says, counting reads and recording operations. */
  function serve(current: () => UpgradeDetails) {
    const operations: Array<{ operation: string; body: unknown }> = [];
    let reads = 0;
    server.use(
      http.get(UPGRADE_URL, () => {
        reads++;
        return HttpResponse.json(current());
      }),
      http.get(`${UPGRADE_URL}/events`, () =>
        HttpResponse.json({ items: events() }),
      ),
      http.post(
        `${UPGRADE_URL}/operations/:operation`,
        async ({ request, params }) => {
          operations.push({
            operation: String(params.operation),
            body: await request.json(),
          });
          return HttpResponse.json(current());
        },
      ),
    );
    return { operations, reads: () => reads };
  }

  const button = (name: string) =>
    screen.getByRole('button', { name: new RegExp(`^${name}$`) });

  async function show(scenario: UpgradeScenario, options = {}) {
    const served = serve(() => upgrade(scenario));
    renderPlatform(<UpgradePage upgradeId={UPGRADE_ID} />, options);
    await screen.findByText(/Upgrade to 1-24-3/);
    return served;
  }

  it('shows a running upgrade: phase, progress of namespaces and pods, batches and events', async () => {
    await show('running');
    expect(screen.getByText('State: Running')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', {
        name: '1 of 4 namespaces on 1-24-3',
      }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(
      screen.getByRole('progressbar', { name: '3 of 8 pods on 1-24-3' }),
    ).toBeInTheDocument();
    const batches = screen.getByRole('table', { name: 'Batches' });
    expect(within(batches).getByText('search: checking pods')).toBeVisible();
    expect(within(batches).getByText('checkout: migrating')).toBeVisible();
    expect(within(batches).getByText('1 (canary)')).toBeVisible();
    const history = screen.getByRole('table', { name: 'Event history' });
    expect(within(history).getByText('user:default/guest')).toBeVisible();
    expect(within(history).getByText('Upgrade started')).toBeVisible();
    expect(button('Pause')).toBeEnabled();
    expect(button('Abort')).toBeEnabled();
    expect(button('Resume')).toBeDisabled();
    expect(screen.getByText('It is not paused')).toBeVisible();
    expect(button('Promote')).toBeDisabled();
  });

  it('pauses only after a confirmation that says what pausing does', async () => {
    const { operations } = await show('running');
    await userEvent.click(button('Pause'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(/No further namespace is relabelled/),
    ).toBeVisible();
    expect(operations).toEqual([]);
    await userEvent.type(
      within(dialog).getByLabelText('Reason (optional)'),
      'dinner',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Pause' }),
    );
    await waitFor(() =>
      expect(operations).toEqual([
        {
          operation: 'pause',
          body: { cluster: 'demo-istio-revisions', reason: 'dinner' },
        },
      ]),
    );
  });

  it('promotes an upgrade waiting after its canary', async () => {
    const { operations } = await show('waitingForPromotion');
    expect(screen.getByText('State: Waiting for promotion')).toBeVisible();
    expect(
      screen.getByText('It waits for promotion: promote it to continue'),
    ).toBeVisible();
    await userEvent.click(button('Promote'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(/the remaining 2 batches move to 1-24-3/),
    ).toBeVisible();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    await waitFor(() =>
      expect(operations.map(o => o.operation)).toEqual(['promote']),
    );
  });

  it('shows a gate failure in plain words with the workload and pods concerned, and offers retry, not resume', async () => {
    await show('pausedOnGate');
    expect(screen.getByText('State: Paused')).toBeVisible();
    const alert = screen.getByRole('alert');
    expect(
      within(alert).getByText(
        /Batch 2 failed its gate: checkout\/checkout-api: 2 of 3 pods not Ready after 120 s \(CrashLoopBackOff\)/,
      ),
    ).toBeVisible();
    expect(
      within(
        within(alert).getByRole('list', {
          name: 'Namespaces that failed the gate',
        }),
      ).getByText(/^checkout: checkout\/checkout-api/),
    ).toBeVisible();
    const pods = within(alert).getByRole('list', {
      name: 'Pods concerned in checkout',
    });
    expect(
      within(pods)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['checkout-api-7d9f-b', 'checkout-api-7d9f-c']);
    expect(within(alert).getByText('2 pods concerned:')).toBeVisible();
    expect(screen.getByText('checkout: failed')).toBeVisible();
    expect(button('Retry')).toBeEnabled();
    expect(button('Resume')).toBeDisabled();
    expect(
      screen.getByText(
        'Batch 2 failed its gate: retry it or skip its failed namespaces first',
      ),
    ).toBeVisible();
  });

  it('names the first pods concerned and counts the rest when many failed', async () => {
    const many = upgrade('pausedOnGate');
    const checkout = many.batches[1].namespaces.find(
      n => n.namespace === 'checkout',
    )!;
    checkout.failedPods = {
      names: Array.from({ length: 10 }, (_, i) => `checkout-api-${i}`),
      total: 25,
    };
    serve(() => many);
    renderPlatform(<UpgradePage upgradeId={UPGRADE_ID} />);
    const pods = await screen.findByRole('list', {
      name: 'Pods concerned in checkout',
    });
    const items = within(pods).getAllByRole('listitem');
    expect(items).toHaveLength(11);
    expect(items[0]).toHaveTextContent('checkout-api-0');
    expect(items[10]).toHaveTextContent('and 15 more');
    expect(screen.getByText('25 pods concerned:')).toBeVisible();
  });

  it('needs a namespace and a reason to skip', async () => {
    const { operations } = await show('pausedOnGate');
    await userEvent.click(button('Skip a namespace'));
    const dialog = await screen.findByRole('dialog');
    const skip = within(dialog).getByRole('button', {
      name: 'Skip a namespace',
    });
    expect(skip).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Reason (required)'),
      'checkout team fixes it',
    );
    await userEvent.click(skip);
    await waitFor(() =>
      expect(operations).toEqual([
        {
          operation: 'skip',
          body: {
            cluster: 'demo-istio-revisions',
            namespace: 'checkout',
            reason: 'checkout team fixes it',
          },
        },
      ]),
    );
  });

  it('shows a rolled-back upgrade with its rollback batches and nothing left to do', async () => {
    await show('rolledBack');
    expect(screen.getByText('State: Rolled back')).toBeVisible();
    expect(
      screen.getByRole('progressbar', {
        name: '3 of 3 namespaces on 1-23-1',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Rollback batches' }),
    ).toBeVisible();
    for (const name of ['Pause', 'Resume', 'Abort', 'Roll back']) {
      expect(button(name)).toBeDisabled();
    }
    // Pause, resume, skip, abort and roll back: each says why not.
    expect(screen.getAllByText('The upgrade is rolled back')).toHaveLength(5);
  });

  it('shows a succeeded upgrade with every pod on the target', async () => {
    await show('succeeded');
    expect(screen.getByText('State: Succeeded')).toBeVisible();
    expect(screen.getByText('1-23-1 is unused: safe to remove')).toBeVisible();
    expect(
      screen.getByRole('progressbar', { name: '8 of 8 pods on 1-24-3' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(button('Roll back')).toBeDisabled();
  });

  it('follows its signal channel live, and reloads the whole state after reconnecting', async () => {
    let current = upgrade('running', 5);
    const signals = new TestSignals();
    const served = serve(() => current);
    renderPlatform(<UpgradePage upgradeId={UPGRADE_ID} />, { signals });
    await screen.findByText('live');
    expect(signals.channels()).toEqual([`service-mesh:upgrade:${UPGRADE_ID}`]);
    const readsBefore = served.reads();

    current = upgrade('pausedOnGate', 6);
    signals.emit(`service-mesh:upgrade:${UPGRADE_ID}`, {
      id: UPGRADE_ID,
      version: 6,
      phase: 'Paused',
    });
    expect(await screen.findByText('State: Paused')).toBeVisible();
    expect(screen.getByText('checkout: failed')).toBeVisible();
    expect(served.reads()).toBe(readsBefore + 1);

    // The connection drops: the page says so and keeps the last state.
    window.dispatchEvent(new Event('offline'));
    expect(await screen.findByText('reconnecting…')).toBeVisible();
    expect(screen.getByText('State: Paused')).toBeVisible();

    // Missed while offline, and no signal for it: the reconnect reloads everything.
    current = upgrade('succeeded', 9);
    window.dispatchEvent(new Event('online'));
    expect(await screen.findByText('State: Succeeded')).toBeVisible();
    expect(await screen.findByText('live')).toBeVisible();
    expect(served.reads()).toBe(readsBefore + 2);
  });

  it('does not poll while connected', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const served = serve(() => upgrade('running'));
      renderPlatform(<UpgradePage upgradeId={UPGRADE_ID} />);
      await screen.findByText('live');
      const reads = served.reads();
      jest.advanceTimersByTime(5 * 60_000);
      expect(served.reads()).toBe(reads);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says why when the upgrade cannot be read', async () => {
    server.use(
      http.get(UPGRADE_URL, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'Not allowed: service-mesh.upgrade.read. Control-plane upgrades are for the platform team.',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
      http.get(`${UPGRADE_URL}/events`, () => HttpResponse.json({ items: [] })),
    );
    renderPlatform(<UpgradePage upgradeId={UPGRADE_ID} />);
    expect(
      await screen.findByText(
        /Control-plane upgrades are for the platform team/,
      ),
    ).toBeInTheDocument();
  });
});
