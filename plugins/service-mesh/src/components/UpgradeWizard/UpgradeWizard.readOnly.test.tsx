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
import { MeshPage } from '../MeshPage';

// A file of its own: usePermission caches decisions per test file.
describe('UpgradeWizard for people outside the platform team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lets them neither plan nor start, and says why', async () => {
    server.use(
      http.get(`${API_BASE}/mesh`, () => HttpResponse.json(meshOverview())),
    );
    renderPlatform(<MeshPage />, {
      at: '/service-mesh/upgrades/new',
      permission: upgradeReader,
    });
    const reasons = await screen.findAllByText(
      'Only the platform team can run control-plane upgrades (service-mesh.upgrade.create).',
    );
    expect(reasons).toHaveLength(2);
    expect(
      screen.getByRole('button', { name: 'Plan (dry run)' }),
    ).toBeDisabled();
    const start = screen.getByRole('button', { name: 'Start upgrade' });
    expect(start).toBeDisabled();
    expect(start).toHaveAccessibleDescription(/Only the platform team/);
  });
});
