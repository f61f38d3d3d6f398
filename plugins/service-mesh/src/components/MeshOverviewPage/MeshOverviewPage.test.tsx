import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { UpgradeSummary } from '@mesh-backstage/plugin-service-mesh-common';
import { meshOverview, upgrade } from '../../__fixtures__/upgrades';
import {
  renderPlatform,
  TestSignals,
} from '../../__testUtils__/renderPlatform';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import { MeshOverviewPage } from './MeshOverviewPage';

// Typing into MUI fields is slow on a loaded machine.
jest.setTimeout(30_000);

describe('MeshOverviewPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(options: {
    extra?: number;
    upgrades?: () => UpgradeSummary[];
  }) {
    let listed = 0;
    server.use(
      http.get(`${API_BASE}/mesh`, () =>
        HttpResponse.json(meshOverview(options.extra ?? 0)),
      ),
      http.get(`${API_BASE}/upgrades`, () => {
        listed++;
        return HttpResponse.json({ items: options.upgrades?.() ?? [] });
      }),
    );
    return { listed: () => listed };
  }

  it('shows revisions with readiness and tags, and charts of pods and namespaces per revision in words', async () => {
    serve({});
    renderPlatform(<MeshOverviewPage />);
    const revisions = await screen.findByRole('table', {
      name: 'Revisions of Istio in istio-system',
    });
    const row = within(revisions).getAllByRole('row', { name: /1-23-1/ })[0];
    expect(within(row).getByText('1.23.1')).toBeVisible();
    expect(within(row).getByText('default, prod-stable')).toBeVisible();
    expect(within(row).getAllByText('Ready')).toHaveLength(2);
    expect(
      screen.getByRole('img', {
        name: 'Pods per revision, Istio in istio-system: 1-23-1: 4 pods, 1-24-3: 2 pods',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Namespaces per revision, Istio in istio-system: 1-23-1: 2 namespaces, 1-24-3: 1 namespaces',
      }),
    ).toBeInTheDocument();
  });

  it('says no upgrade is running, and links to the wizard', async () => {
    serve({});
    renderPlatform(<MeshOverviewPage />);
    expect(await screen.findByText('No upgrade is running.')).toBeVisible();
    const start = screen.getByRole('button', { name: 'Start an upgrade' });
    expect(start).toHaveAttribute('href', '/service-mesh/upgrades/new');
    await waitFor(() =>
      expect(start).toHaveAttribute('aria-disabled', 'false'),
    );
  });

  it('lists upgrades with their state and links, and reloads the list on a signal', async () => {
    let items: UpgradeSummary[] = [];
    const signals = new TestSignals();
    const served = serve({ upgrades: () => items });
    renderPlatform(<MeshOverviewPage />, { signals });
    await screen.findByText('No upgrade is running.');
    items = [upgrade('running')];
    signals.emit('service-mesh:upgrades', { id: items[0].id, version: 2 });
    const link = await screen.findByRole('link', {
      name: 'demo-istio-revisions istio-system: 1-23-1 → 1-24-3',
    });
    expect(link).toHaveAttribute(
      'href',
      `/service-mesh/upgrades/${items[0].id}`,
    );
    expect(screen.queryByText('No upgrade is running.')).toBeNull();
    expect(served.listed()).toBe(2);
  });

  it('pages 500 namespaces, and filters and searches them', async () => {
    serve({ extra: 502 });
    renderPlatform(<MeshOverviewPage />);
    const table = await screen.findByRole('table', {
      name: 'Namespaces of Istio in istio-system',
    });
    // One page of rows, plus the header row.
    expect(within(table).getAllByRole('row')).toHaveLength(26);
    expect(screen.getByText(/^1.25 of 505$/)).toBeVisible();

    await userEvent.type(
      screen.getByLabelText('Search namespaces or owners'),
      'checkout',
    );
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(2),
    );
    const checkout = within(table).getByRole('row', { name: /checkout/ });
    expect(
      within(checkout).getByRole('link', {
        name: 'checkout-service',
      }),
    ).toBeVisible();
    expect(within(checkout).getByText('1 of 1 workloads')).toBeVisible();

    await userEvent.clear(screen.getByLabelText('Search namespaces or owners'));
    await userEvent.click(screen.getByLabelText('With warnings'));
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(2),
    );
    expect(
      within(table).getByText(/IST0123: Both istio-injection/),
    ).toBeVisible();
  });

  it('shows the tag a namespace follows', async () => {
    serve({});
    renderPlatform(<MeshOverviewPage />);
    const table = await screen.findByRole('table', {
      name: 'Namespaces of Istio in istio-system',
    });
    const catalog = within(table).getByRole('row', { name: /^catalog/ });
    expect(within(catalog).getByText('prod-stable → 1-23-1')).toBeVisible();
  });

  it('says why when the user may not see the mesh', async () => {
    server.use(
      http.get(`${API_BASE}/mesh`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'Not allowed: service-mesh.upgrade.read. The mesh overview is for the platform team.',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
      http.get(`${API_BASE}/upgrades`, () => HttpResponse.json({ items: [] })),
    );
    renderPlatform(<MeshOverviewPage />);
    expect(
      await screen.findByText(/The mesh overview is for the platform team/),
    ).toBeInTheDocument();
  });
});
