import { screen } from '@testing-library/react';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { events, upgrade, UPGRADE_ID } from '../../__fixtures__/upgrades';
import {
  renderPlatform,
  upgradeReader,
} from '../../__testUtils__/renderPlatform';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import { UpgradePage } from './UpgradePage';

// A file of its own: usePermission caches decisions per test file.
describe('UpgradePage for people outside the platform team', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('is read-only, with the reason next to the disabled operations', async () => {
    const url = `${API_BASE}/upgrades/${UPGRADE_ID}`;
    let operated = false;
    server.use(
      http.get(url, () => HttpResponse.json(upgrade('pausedOnGate'))),
      http.get(`${url}/events`, () => HttpResponse.json({ items: events() })),
      http.post(`${url}/operations/:operation`, () => {
        operated = true;
        return HttpResponse.json(upgrade('pausedOnGate'));
      }),
    );
    renderPlatform(<UpgradePage upgradeId={UPGRADE_ID} />, {
      permission: upgradeReader,
    });
    expect(
      await screen.findByText(
        'Only the platform team can run control-plane upgrades (service-mesh.upgrade.operate).',
      ),
    ).toBeVisible();
    // Still shown: the state and the failed gate.
    expect(screen.getByText('State: Paused')).toBeVisible();
    expect(screen.getByText('checkout: failed')).toBeVisible();
    for (const name of ['Pause', 'Resume', 'Retry', 'Abort', 'Roll back']) {
      const button = screen.getByRole('button', { name });
      expect(button).toBeDisabled();
      expect(button).toHaveAccessibleDescription(/Only the platform team/);
    }
    expect(operated).toBe(false);
  });
});
