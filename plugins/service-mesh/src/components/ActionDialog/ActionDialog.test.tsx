import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  enrollPlan,
  injectorNotReadyConflict,
  restartPlan,
  sidecarEgressPlan,
  switchRevisionPlan,
} from '../../__fixtures__/meshStatus';
import {
  answered,
  renderActionDialog,
  switchSearchIntent,
} from '../../__testUtils__/renderActionDialog';

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ActionDialog', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the dry run, then applies on Confirm', async () => {
    const { mesh, onApplied } = renderActionDialog(
      server,
      switchSearchIntent,
      (_a, body) => answered(switchRevisionPlan, body.dryRun),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Switch search to 1-24-3',
    });
    // In plain words first, then the fields that change; never kubectl's a=b c-.
    expect(
      await within(dialog).findByText(
        'Remove istio-injection; change istio.io/rev from prod-stable to prod-canary (namespace search)',
      ),
    ).toBeInTheDocument();
    expect(
      within(within(dialog).getByRole('list', { name: 'Changes to search' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      '− remove label istio-injection (was enabled)',
      '~ change label istio.io/rev: prod-stable → prod-canary',
    ]);
    expect(within(dialog).queryByText(/istio\.io\/rev-/)).toBeNull();
    // The whole object is there on demand.
    expect(
      within(dialog).getByLabelText('Namespace search after the change'),
    ).toHaveTextContent('istio.io/rev: prod-canary');
    expect(mesh.actions).toEqual([
      {
        action: 'switchRevision',
        body: { ...switchSearchIntent.request, dryRun: true },
      },
    ]);

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );

    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
    expect(mesh.actions[1]).toEqual({
      action: 'switchRevision',
      body: { ...switchSearchIntent.request, dryRun: false },
    });
    expect(onApplied).toHaveBeenCalledWith(
      expect.objectContaining({ applied: true }),
      switchSearchIntent,
    );
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled();
  });

  it('shows the error body when applying fails', async () => {
    const { onApplied } = renderActionDialog(
      server,
      switchSearchIntent,
      (_a, body) =>
        body.dryRun
          ? answered(switchRevisionPlan, true)
          : {
              status: 503,
              json: {
                error: {
                  name: 'ServiceUnavailableError',
                  message:
                    'Cluster demo-istio-revisions is not readable yet: connect ECONNREFUSED; nothing was changed',
                },
                response: { statusCode: 503 },
              },
            },
    );

    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Confirm' }),
    );

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The change failed (503');
    expect(alert).toHaveTextContent(
      'Cluster demo-istio-revisions is not readable yet: connect ECONNREFUSED; nothing was changed',
    );
    expect(onApplied).not.toHaveBeenCalled();
  });

  it('offers Force on a guard-rail refusal to users with the force permission', async () => {
    const { mesh } = renderActionDialog(
      server,
      switchSearchIntent,
      (_a, body) =>
        body.force
          ? {
              json: {
                ...switchRevisionPlan,
                dryRun: Boolean(body.dryRun),
                applied: !body.dryRun,
                forced: ['SM-GUARD-INJECTOR-NOT-READY'],
              },
            }
          : { status: 409, json: injectorNotReadyConflict },
      { canForce: true },
    );

    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "The injector of revision '1-24-3' is not ready",
    );
    expect(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    ).toBeDisabled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Force' }),
    );

    expect(
      await within(dialog).findByText(
        'Overriding guard rails: SM-GUARD-INJECTOR-NOT-READY',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm with force' }),
    );
    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
    expect(mesh.actions.map(a => a.body)).toEqual([
      { ...switchSearchIntent.request, dryRun: true },
      { ...switchSearchIntent.request, dryRun: true, force: true },
      { ...switchSearchIntent.request, dryRun: false, force: true },
    ]);
  });

  it('explains a guard-rail refusal without Force to other users', async () => {
    renderActionDialog(server, switchSearchIntent, () => ({
      status: 409,
      json: injectorNotReadyConflict,
    }));

    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The change cannot be made (409',
    );
    expect(
      within(dialog).getByText(
        /Only users with the service-mesh.force permission can override/,
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Force' }),
    ).not.toBeInTheDocument();
  });

  it('lists the pods a restart replaces', async () => {
    renderActionDialog(
      server,
      {
        action: 'restart',
        title: 'Restart search-indexer',
        request: {
          cluster: 'demo-istio-revisions',
          namespace: 'search',
          workloads: [{ kind: 'Deployment', name: 'search-indexer' }],
        },
      },
      (_a, body) => answered(restartPlan, body.dryRun),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Restart search-indexer',
    });
    const pods = await within(dialog).findByRole('list', {
      name: 'Pods to be replaced',
    });
    expect(
      within(pods).getByText('search-indexer-7c9f8d6b5-x2lkq'),
    ).toBeInTheDocument();
  });

  it('restarts once on a double click, and retries an error with the same key', async () => {
    let failNext = true;
    const { mesh } = renderActionDialog(
      server,
      {
        action: 'restart',
        title: 'Restart search-indexer',
        request: { cluster: 'demo-istio-revisions', namespace: 'search' },
      },
      (_a, body) => {
        if (!body.dryRun && failNext) {
          failNext = false;
          return {
            status: 503,
            json: {
              error: { name: 'ServiceUnavailableError', message: 'busy' },
              response: { statusCode: 503 },
            },
          };
        }
        return answered(restartPlan, body.dryRun);
      },
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Restart search-indexer',
    });
    const confirm = await within(dialog).findByRole('button', {
      name: 'Confirm',
    });
    await waitFor(() => expect(confirm).toBeEnabled());
    // Two clicks before React re-renders: the button is still enabled for the second.
    act(() => {
      confirm.click();
      confirm.click();
    });
    expect(await within(dialog).findByText('busy')).toBeInTheDocument();
    const real = () => mesh.actions.filter(a => !a.body.dryRun);
    expect(real()).toHaveLength(1);

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
    expect(real()).toHaveLength(2);
    const [first, second] = real().map(a => a.body.idempotencyKey);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toBe(first);
    // The preview was planned with the same key, so it shows what was written.
    expect(mesh.actions[0].body).toMatchObject({
      dryRun: true,
      idempotencyKey: first,
    });
  });

  it('shows how many services the proxies will see with a Sidecar egress', async () => {
    renderActionDialog(
      server,
      {
        action: 'sidecarEgress',
        title: 'Apply Sidecar egress in legacy-billing',
        request: {
          cluster: 'demo-ossm2',
          namespace: 'legacy-billing',
          hosts: ['./*', 'istio-system/*', 'payments/*'],
        },
      },
      (_a, body) => answered(sidecarEgressPlan, body.dryRun),
    );

    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText('Visible services: 1,243 → 37'),
    ).toBeInTheDocument();
    expect(
      within(within(dialog).getByRole('list', { name: 'No longer visible' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['bookinfo/details', 'bookinfo/reviews', 'orders/orders']);
    expect(
      within(dialog).getByLabelText(
        'Sidecar legacy-billing/default after the change',
      ),
    ).toHaveTextContent('- payments/*');
  });

  it('says when there is nothing to change and disables Confirm', async () => {
    renderActionDialog(
      server,
      {
        action: 'enroll',
        title: 'Enroll bookinfo in the mesh',
        request: { cluster: 'demo-ossm2', namespace: 'bookinfo' },
      },
      () => ({
        json: {
          dryRun: true,
          applied: false,
          change: { operations: [] },
          summary: 'Already a member of the mesh',
        },
      }),
    );

    // Neutral: the state found, not a success.
    const note = await screen.findByText(
      'Already a member of the mesh: nothing to change.',
    );
    expect(note.closest('[role="alert"]')).toHaveClass('MuiAlert-standardInfo');
    expect(screen.queryByText('Applied')).toBeNull();
    expect(screen.getByRole('button', { name: 'Confirm' })).toBeDisabled();
  });

  it("names only the entity's namespaces of a member roll and counts the others", async () => {
    renderActionDialog(
      server,
      {
        action: 'enroll',
        title: 'Enroll legacy-billing in the mesh',
        request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
      },
      (_a, body) => answered(enrollPlan, body.dryRun),
    );

    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        'Add legacy-billing to members (ServiceMeshMemberRoll default in istio-system)',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('list', {
        name: 'Changes to istio-system/default',
      }),
    ).toHaveTextContent('+ add legacy-billing to members');
    expect(
      within(dialog).getByText(/The list also holds 3 other namespaces/),
    ).toBeInTheDocument();
    expect(dialog).not.toHaveTextContent(/bookinfo|shipping|status:|uid:/);
  });

  it('closes on Cancel without applying', async () => {
    const { mesh, onClose } = renderActionDialog(
      server,
      {
        action: 'enroll',
        title: 'Enroll legacy-billing in the mesh',
        request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
      },
      (_a, body) => answered(enrollPlan, body.dryRun),
    );

    await screen.findByText(
      'Add legacy-billing to members (ServiceMeshMemberRoll default in istio-system)',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(onClose).toHaveBeenCalled();
    await waitFor(() => expect(mesh.actions).toHaveLength(1));
    expect(mesh.actions[0].body.dryRun).toBe(true);
  });
});
