import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import {
  checkoutDrift,
  enrollPlan,
  legacyBillingNotInMesh,
  restartPlan,
} from '../../__fixtures__/meshStatus';
import {
  checkoutRollingOut,
  withErrorWarning,
} from '../../__fixtures__/cardStates';
import { TestSignals } from '../../__testUtils__/renderPlatform';
import {
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { ServiceMeshCard } from './ServiceMeshCard';

// Full app renders with dialogs are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ServiceMeshCard next step', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(name: string, status: () => EntityMeshStatus) {
    const entity = componentEntity(name);
    const mesh = serveMesh(server, {
      entity,
      status,
      respond: (action, body) => ({
        json: {
          ...(action === 'restart' ? restartPlan : enrollPlan),
          dryRun: Boolean(body.dryRun),
          applied: !body.dryRun,
        },
      }),
    });
    return { entity, mesh };
  }

  async function confirmInDialog(title: string) {
    const dialog = await screen.findByRole('dialog', { name: title });
    const confirm = await within(dialog).findByRole('button', {
      name: 'Confirm',
    });
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  }

  /** The card waits for legacy-billing's membership, under the progress bar named. */
  async function expectAwaitingMembership(progressName: string) {
    expect(
      await screen.findByText(
        'Waiting for legacy-billing to become a member of the mesh…',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: progressName }),
    ).toBeInTheDocument();
  }

  /** Opens Enroll from the card and ticks "and restart the workloads". */
  async function openEnrollWithRestart() {
    await userEvent.click(
      await screen.findByRole('button', { name: 'Enroll in mesh' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Enroll legacy-billing in the mesh',
    });
    await userEvent.click(
      await within(dialog).findByRole('checkbox', {
        name: /^and restart the 1 workload/,
      }),
    );
    return dialog;
  }

  it('leads with Enroll for an entity outside the mesh, and links to the tab', async () => {
    const { entity } = serve('legacy-billing', legacyBillingNotInMesh);
    await renderWithMesh(<ServiceMeshCard />, { entity });

    expect(
      await screen.findByRole('button', { name: 'Enroll in mesh' }),
    ).toBeEnabled();
    expect(
      screen.getByText(
        'Next step: Namespace legacy-billing is not in the mesh.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open the Service mesh tab/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/legacy-billing/service-mesh',
    );
  });

  it('never shows a green "In mesh" beside an error, and leads with its fix', async () => {
    const { entity } = serve('checkout', () =>
      withErrorWarning(checkoutDrift()),
    );
    await renderWithMesh(<ServiceMeshCard />, { entity });

    expect(
      await screen.findByText('In mesh, with 1 error'),
    ).toBeInTheDocument();
    expect(screen.queryByText('In mesh')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Fix labels' })).toBeEnabled();
  });

  it('enrolls from the card, says what it waits for, and shows membership when the signal comes', async () => {
    let member = false;
    const { entity, mesh } = serve('legacy-billing', () => {
      const status = legacyBillingNotInMesh();
      if (member) {
        const namespace = status.clusters[0].namespaces[0];
        namespace.membership = { member: true, via: 'memberRoll' };
        namespace.warnings = [];
        namespace.workloads[0].restartNeeded = true;
        namespace.workloads[0].expectedRevision = 'basic';
      }
      return status;
    });
    const signals = new TestSignals();
    await renderWithMesh(<ServiceMeshCard />, { entity, signals });
    const channel = 'service-mesh:entity:component:default/legacy-billing';
    expect(signals.channels()).toEqual([channel]);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Enroll in mesh' }),
    );
    await confirmInDialog('Enroll legacy-billing in the mesh');
    expect(mesh.actions.map(a => [a.action, a.body.dryRun])).toEqual([
      ['enroll', true],
      ['enroll', false],
    ]);

    // Applied, but the cluster does not show it yet: a pending state, and
    // no second action offered meanwhile.
    expect(
      await screen.findByText(
        'Waiting for legacy-billing to become a member of the mesh…',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Enroll in mesh' }),
    ).not.toBeInTheDocument();

    member = true;
    signals.emit(channel, {
      type: 'status-changed',
      entityRef: 'component:default/legacy-billing',
      at: new Date().toISOString(),
    });
    expect(
      await screen.findByText('legacy-billing is a member of the mesh'),
    ).toBeInTheDocument();
    // The next step follows: the pods need a restart to get the sidecar.
    expect(
      await screen.findByRole('button', { name: 'Restart 1 workload' }),
    ).toBeEnabled();
  });

  it('enrolls and restarts in one confirmation, following membership and then the pods', async () => {
    let state: 'out' | 'member' | 'restarted' = 'out';
    const { entity, mesh } = serve('legacy-billing', () => {
      const status = legacyBillingNotInMesh();
      const namespace = status.clusters[0].namespaces[0];
      const [billing] = namespace.workloads;
      if (state !== 'out') {
        namespace.membership = { member: true, via: 'memberRoll' };
        namespace.warnings = [];
        billing.expectedRevision = 'basic';
        billing.restartNeeded = state === 'member';
      }
      if (state === 'restarted') {
        billing.podsWithSidecar = billing.pods;
        billing.podsWithoutSidecar = 0;
        billing.proxies = [{ revision: 'basic', pods: billing.pods }];
      }
      return status;
    });
    const signals = new TestSignals();
    await renderWithMesh(<ServiceMeshCard />, { entity, signals });
    const changed = () =>
      signals.emit('service-mesh:entity:component:default/legacy-billing', {
        type: 'status-changed',
        entityRef: 'component:default/legacy-billing',
        at: new Date().toISOString(),
      });

    await openEnrollWithRestart();
    await confirmInDialog('Enroll legacy-billing in the mesh');
    expect(mesh.actions.filter(a => !a.body.dryRun).map(a => a.action)).toEqual(
      ['enroll', 'restart'],
    );

    // The restart is followed, after the membership it needs.
    await expectAwaitingMembership(
      'Progress: Restart workloads in legacy-billing',
    );
    state = 'member';
    changed();
    expect(
      await screen.findByText('Rolling out: 0 of 1 pod on the new proxy…'),
    ).toBeInTheDocument();
    state = 'restarted';
    changed();
    expect(
      await screen.findByText('Rolled out: 1 of 1 pod on the new proxy'),
    ).toBeInTheDocument();
    expect(screen.getByText('In mesh')).toBeInTheDocument();
    expect(
      screen.getByText('1 of 1 workloads with sidecar'),
    ).toBeInTheDocument();
  });

  it('keeps following the enrollment when the restart confirmed with it changed nothing', async () => {
    const entity = componentEntity('legacy-billing');
    const mesh = serveMesh(server, {
      entity,
      status: legacyBillingNotInMesh,
      respond: (action, body) => {
        if (action === 'restart' && !body.dryRun) {
          return {
            json: {
              dryRun: false,
              applied: false,
              change: { operations: [] },
              summary: 'Nothing to restart',
            },
          };
        }
        return {
          json: {
            ...(action === 'restart' ? restartPlan : enrollPlan),
            dryRun: Boolean(body.dryRun),
            applied: !body.dryRun,
          },
        };
      },
    });
    await renderWithMesh(<ServiceMeshCard />, { entity });

    const dialog = await openEnrollWithRestart();
    await within(dialog).findByRole('region', { name: 'Then the restart' });
    await confirmInDialog('Enroll legacy-billing in the mesh');

    expect(mesh.actions.filter(a => !a.body.dryRun).map(a => a.action)).toEqual(
      ['enroll', 'restart'],
    );
    await expectAwaitingMembership(
      'Progress: Enroll legacy-billing in the mesh',
    );
  });

  it('follows a restart pod by pod on signals until the card says "In mesh"', async () => {
    let moved: [number, number] = [0, 0];
    const { entity } = serve('checkout', () => checkoutRollingOut(moved));
    const signals = new TestSignals();
    await renderWithMesh(<ServiceMeshCard />, { entity, signals });
    const channel = 'service-mesh:entity:component:default/checkout';
    const changed = () =>
      signals.emit(channel, {
        type: 'status-changed',
        entityRef: 'component:default/checkout',
        at: new Date().toISOString(),
      });

    expect(
      await screen.findByText(
        '2 of 2 workloads need a restart to pick up the current proxy',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Restart 2 workloads' }),
    );
    await confirmInDialog('Restart 2 workloads in checkout');

    expect(
      await screen.findByText('Rolling out: 0 of 4 pods on the new proxy…'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', {
        name: 'Progress: Restart 2 workloads in checkout',
      }),
    ).toHaveAttribute('aria-valuenow', '0');

    moved = [2, 0];
    changed();
    expect(
      await screen.findByText('Rolling out: 2 of 4 pods on the new proxy…'),
    ).toBeInTheDocument();
    expect(screen.getByText('In mesh, with 1 warning')).toBeInTheDocument();
    expect(
      screen.getByText(
        '1 of 2 workloads need a restart to pick up the current proxy',
      ),
    ).toBeInTheDocument();

    moved = [2, 2];
    changed();
    expect(
      await screen.findByText('Rolled out: 4 of 4 pods on the new proxy'),
    ).toBeInTheDocument();
    expect(screen.getByText('In mesh')).toBeInTheDocument();
    expect(screen.queryByText(/need a restart/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Restart/ })).toBeNull();
  });
});
