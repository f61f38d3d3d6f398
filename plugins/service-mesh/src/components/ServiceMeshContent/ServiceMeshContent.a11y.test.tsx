import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  checkoutDrift,
  legacyBillingNotInMesh,
  restartPlan,
  searchWithWarnings,
} from '../../__fixtures__/meshStatus';
import { axeFindings } from '../../__testUtils__/axe';
import {
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { ServiceMeshCard } from '../ServiceMeshCard';
import { ServiceMeshContent } from './ServiceMeshContent';

// axe over full app renders is slow on a loaded machine.
jest.setTimeout(60_000);

describe('accessibility of the card, the tab and their dialogs', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(name: string, status: typeof searchWithWarnings) {
    const entity = componentEntity(name);
    serveMesh(server, {
      entity,
      status,
      respond: (_action, body) => ({
        json: {
          ...restartPlan,
          dryRun: Boolean(body.dryRun),
          applied: !body.dryRun,
        },
      }),
    });
    return entity;
  }

  it.each([
    ['search-service', searchWithWarnings],
    ['checkout', checkoutDrift],
    ['legacy-billing', legacyBillingNotInMesh],
  ])(
    'the tab of %s has no serious axe finding and no skipped heading level',
    async (name, status) => {
      const entity = serve(name, status);
      await renderWithMesh(<ServiceMeshContent />, { entity });
      await screen.findByRole('heading', { name: 'Service mesh' });
      await screen.findByRole('table', { name: /Mesh settings of/ });

      expect(await axeFindings()).toEqual([]);
    },
  );

  it('the card and its confirmation dialog have no serious axe finding', async () => {
    const entity = serve('checkout', checkoutDrift);
    await renderWithMesh(<ServiceMeshCard />, { entity });
    const button = await screen.findByRole('button', {
      name: 'Restart 2 workloads',
    });
    expect(await axeFindings()).toEqual([]);

    await userEvent.click(button);
    const dialog = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(
        within(dialog).getByRole('button', { name: 'Confirm' }),
      ).toBeEnabled(),
    );
    expect(await axeFindings(dialog)).toEqual([]);
  });
});
