import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  events,
  meshOverview,
  plan,
  upgrade,
  UPGRADE_ID,
} from '../../__fixtures__/upgrades';
import {
  renderPlatform,
  upgradeReader,
} from '../../__testUtils__/renderPlatform';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import { MeshPage } from '../MeshPage';

// Typing into MUI fields is slow on a loaded machine.
jest.setTimeout(30_000);

describe('UpgradeWizard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(blocked: boolean) {
    const planned: unknown[] = [];
    const created: unknown[] = [];
    server.use(
      http.get(`${API_BASE}/mesh`, () => HttpResponse.json(meshOverview())),
      http.post(`${API_BASE}/upgrades/plan`, async ({ request }) => {
        const body = (await request.json()) as {
          options?: { force?: string[] };
        };
        planned.push(body);
        // Forcing the failed precheck makes the plan pass.
        return HttpResponse.json({
          dryRun: true,
          plan: plan(blocked && !body.options?.force),
        });
      }),
      http.post(`${API_BASE}/upgrades`, async ({ request }) => {
        created.push(await request.json());
        return HttpResponse.json(upgrade('running'));
      }),
      http.get(`${API_BASE}/upgrades/${UPGRADE_ID}`, () =>
        HttpResponse.json(upgrade('running')),
      ),
      http.get(`${API_BASE}/upgrades/${UPGRADE_ID}/events`, () =>
        HttpResponse.json({ items: events() }),
      ),
    );
    return { planned, created };
  }

  const open = (permission?: typeof upgradeReader) =>
    renderPlatform(<MeshPage />, {
      at: '/service-mesh/upgrades/new',
      permission,
    });

  it('shows a blocking precheck in the dry run, and will not start the upgrade', async () => {
    const { planned, created } = serve(true);
    open();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Plan (dry run)' }),
    );
    expect(
      await screen.findByText(
        'targetReady blocks the upgrade: istiod-1-24-3 is not Ready (0 of 1 replicas)',
      ),
    ).toBeVisible();
    const start = screen.getByRole('button', { name: 'Start upgrade' });
    expect(start).toBeDisabled();
    expect(start).toHaveAccessibleDescription(
      'A precheck blocks the upgrade: targetReady',
    );
    expect(planned).toEqual([
      {
        cluster: 'demo-istio-revisions',
        controlPlane: { namespace: 'istio-system' },
        fromRevision: '1-23-1',
        target: { type: 'revision', revision: '1-24-3' },
        options: {
          batchSize: 10,
          parallelism: 1,
          readinessDeadlineSeconds: 300,
          pauseAfterCanary: true,
          moveTags: [],
        },
      },
    ]);
    expect(created).toEqual([]);
  });

  it('shows the plan before anything is written, then starts the upgrade and opens its page', async () => {
    const { planned, created } = serve(false);
    open();
    const start = await screen.findByRole('button', { name: 'Start upgrade' });
    expect(start).toBeDisabled();
    expect(start).toHaveAccessibleDescription(
      'Plan first: the dry run shows what will change.',
    );
    const canary = screen.getByLabelText('Canary namespaces (go first)');
    await userEvent.type(canary, 'cata');
    await userEvent.click(
      await screen.findByRole('option', { name: 'catalog' }),
    );
    await userEvent.clear(screen.getByLabelText('Batch size'));
    await userEvent.type(screen.getByLabelText('Batch size'), '25');
    await userEvent.click(
      screen.getByRole('button', { name: 'Plan (dry run)' }),
    );

    const batches = await screen.findByRole('table', {
      name: 'Planned batches',
    });
    expect(within(batches).getByText('1 (canary)')).toBeVisible();
    const changes = screen.getByRole('table', { name: 'Namespace changes' });
    expect(
      within(changes).getByText(
        'istio.io/rev=prod-stable → istio.io/rev=1-24-3',
      ),
    ).toBeVisible();
    expect(
      within(changes).getByText('Deployment catalog-api (2 pods)'),
    ).toBeVisible();
    expect(screen.getByText('prod-stable: 1-23-1 → 1-24-3')).toBeVisible();
    expect(
      screen.getByText(/3 pods to restart. Nothing has been written yet./),
    ).toBeVisible();
    expect(created).toEqual([]);
    expect(planned[0]).toMatchObject({
      options: { canary: { namespaces: ['catalog'] }, batchSize: 25 },
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Start upgrade' }),
    );
    expect(await screen.findByText('State: Running')).toBeVisible();
    expect(created).toEqual([planned[0]]);
  });

  it('overrides a failed precheck on request, after a new dry run', async () => {
    const { planned } = serve(true);
    open();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Plan (dry run)' }),
    );
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Override targetReady' }),
    );
    expect(
      screen.getByRole('button', { name: 'Start upgrade' }),
    ).toBeDisabled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Plan (dry run)' }),
    );
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Start upgrade' }),
      ).toBeEnabled(),
    );
    expect(planned[1]).toMatchObject({ options: { force: ['targetReady'] } });
  });

  it('asks for a new dry run when the form changes after one', async () => {
    serve(false);
    open();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Plan (dry run)' }),
    );
    await screen.findByRole('table', { name: 'Planned batches' });
    await userEvent.click(
      screen.getByLabelText('Pause after the canary for promotion'),
    );
    expect(screen.queryByRole('table', { name: 'Planned batches' })).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Start upgrade' }),
    ).toBeDisabled();
  });

  it('moves the target off the revision chosen to start from', async () => {
    serve(false);
    open();
    const from = await screen.findByRole('button', { name: /^From revision / });
    expect(from).toHaveTextContent('1-23-1');
    expect(
      screen.getByRole('button', { name: /^Target revision / }),
    ).toHaveTextContent('1-24-3');
    await userEvent.click(from);
    await userEvent.click(screen.getByRole('option', { name: '1-24-3' }));
    expect(
      screen.getByRole('button', { name: /^Target revision / }),
    ).toHaveTextContent('1-23-1');
  });
});
