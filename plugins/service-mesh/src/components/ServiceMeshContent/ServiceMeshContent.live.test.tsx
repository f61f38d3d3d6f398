import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { restartPlan } from '../../__fixtures__/meshStatus';
import { checkoutRollingOut } from '../../__fixtures__/cardStates';
import { TestSignals } from '../../__testUtils__/renderPlatform';
import {
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { ServiceMeshContent } from './ServiceMeshContent';

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ServiceMeshContent live', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('follows a restart from the workloads table on signals, row by row, without polling', async () => {
    let moved: [number, number] = [0, 0];
    const entity = componentEntity('checkout');
    const mesh = serveMesh(server, {
      entity,
      status: () => checkoutRollingOut(moved),
      respond: (_action, body) => ({
        json: {
          ...restartPlan,
          dryRun: Boolean(body.dryRun),
          applied: !body.dryRun,
        },
      }),
    });
    const signals = new TestSignals();
    await renderWithMesh(<ServiceMeshContent />, { entity, signals });
    const channel = 'service-mesh:entity:component:default/checkout';
    const changed = () =>
      signals.emit(channel, {
        type: 'status-changed',
        entityRef: 'component:default/checkout',
        at: new Date().toISOString(),
      });

    await screen.findByRole('heading', { name: 'Service mesh' });
    expect(screen.getByText('live')).toBeInTheDocument();
    const row = screen.getByRole('row', { name: /Deployment checkout/ });
    expect(row).toHaveTextContent('Restart needed');

    await userEvent.click(
      within(row).getByRole('button', { name: 'Restart checkout' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Restart checkout',
    });
    const confirm = await within(dialog).findByRole('button', {
      name: 'Confirm',
    });
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Close' }),
    );
    expect(
      await screen.findByText('Rolling out: 0 of 2 pods on the new proxy…'),
    ).toBeInTheDocument();
    const requests = mesh.statusRequests();

    moved = [2, 0];
    changed();
    expect(
      await screen.findByText('Rolled out: 2 of 2 pods on the new proxy'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('row', { name: /Deployment checkout/ }),
    ).toHaveTextContent('Up to date');
    // One reload for the one signal.
    expect(mesh.statusRequests()).toBe(requests + 1);
    expect(
      screen.getByRole('row', { name: /Deployment payments-gateway/ }),
    ).toHaveTextContent('Restart needed');
  });
});
