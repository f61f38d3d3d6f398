import { screen } from '@testing-library/react';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { meshOverview } from '../../__fixtures__/upgrades';
import {
  renderPlatform,
  upgradeReader,
} from '../../__testUtils__/renderPlatform';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import { MeshOverviewPage } from './MeshOverviewPage';

// A file of its own: usePermission caches decisions per test file.
describe('MeshOverviewPage for people outside the platform team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the mesh read-only, with the reason next to the disabled start', async () => {
    server.use(
      http.get(`${API_BASE}/mesh`, () => HttpResponse.json(meshOverview())),
      http.get(`${API_BASE}/upgrades`, () => HttpResponse.json({ items: [] })),
    );
    renderPlatform(<MeshOverviewPage />, { permission: upgradeReader });
    expect(
      await screen.findByText(
        'Only the platform team can run control-plane upgrades (service-mesh.upgrade.create).',
      ),
    ).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Start an upgrade' }),
    ).toHaveAttribute('aria-disabled', 'true');
    expect(
      screen.getByRole('table', {
        name: 'Namespaces of Istio in istio-system',
      }),
    ).toBeVisible();
  });
});
