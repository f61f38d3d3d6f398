import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { restartPlan, switchRevisionPlan } from '../../__fixtures__/meshStatus';
import {
  answered,
  renderActionDialog,
  switchSearchIntent,
} from '../../__testUtils__/renderActionDialog';
import type { MeshActionIntent } from './meshActionIntent';

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ActionDialog', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  describe('and restart the workloads', () => {
    const restartIntent: MeshActionIntent = {
      action: 'restart',
      title: 'Restart workloads in search',
      request: {
        cluster: 'demo-istio-revisions',
        namespace: 'search',
        workloads: [{ kind: 'Deployment', name: 'search-indexer' }],
      },
    };
    const withRestart = (
      permission = { allowed: true, loading: false },
    ): MeshActionIntent => ({
      ...switchSearchIntent,
      restart: {
        intent: restartIntent as Extract<
          MeshActionIntent,
          { action: 'restart' }
        >,
        permission,
      },
    });
    /** The backend refusing a restart on data it calls stale. */
    const staleCluster = {
      status: 503,
      json: {
        error: {
          name: 'ServiceUnavailableError',
          message: 'Cluster demo-istio-revisions: its data is stale',
        },
        response: { statusCode: 503 },
      },
    };
    const restartBox = () =>
      screen.findByRole('checkbox', {
        name: /and restart the 1 workload, so running pods get the change now/,
      });

    it('adds the restart to the same confirmation, and runs it after the change', async () => {
      const { mesh, onApplied } = renderActionDialog(
        server,
        withRestart(),
        (action, body) =>
          action === 'restart'
            ? answered(restartPlan, body.dryRun)
            : answered(switchRevisionPlan, body.dryRun),
      );

      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText(
          'Running pods keep their current sidecar until they restart.',
        ),
      ).toBeInTheDocument();
      await userEvent.click(await restartBox());
      // The restart's own dry run, shown under the change.
      const then = await within(dialog).findByRole('region', {
        name: 'Then the restart',
      });
      expect(
        await within(then).findByRole('list', { name: 'Pods to be replaced' }),
      ).toBeInTheDocument();

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Confirm' }),
      );
      await waitFor(() =>
        expect(within(dialog).getAllByText('Applied')).toHaveLength(2),
      );
      const real = mesh.actions.filter(a => a.body.dryRun === false);
      expect(real.map(a => a.action)).toEqual(['switchRevision', 'restart']);
      expect(real[1].body).toMatchObject({
        workloads: [{ kind: 'Deployment', name: 'search-indexer' }],
      });
      // One key for the restart's dry run and its real run.
      const dryKey = mesh.actions.find(
        a => a.action === 'restart' && a.body.dryRun,
      )!.body.idempotencyKey;
      expect(real[1].body.idempotencyKey).toBe(dryKey);
      expect(onApplied).toHaveBeenNthCalledWith(
        1,
        expect.objectContaining({ applied: true }),
        expect.objectContaining({ action: 'switchRevision' }),
      );
      expect(onApplied).toHaveBeenNthCalledWith(
        2,
        expect.objectContaining({ podsToReplace: restartPlan.podsToReplace }),
        restartIntent,
      );
    });

    it('shows why the restart cannot be made, and lets the change go alone', async () => {
      renderActionDialog(server, withRestart(), (action, body) =>
        action === 'restart'
          ? staleCluster
          : answered(switchRevisionPlan, body.dryRun),
      );
      const dialog = await screen.findByRole('dialog');
      const box = await restartBox();
      await userEvent.click(box);

      expect(
        await within(dialog).findByText(/its data is stale/),
      ).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Confirm' }),
      ).toBeDisabled();
      await userEvent.click(box);
      await waitFor(() =>
        expect(
          within(dialog).getByRole('button', { name: 'Confirm' }),
        ).toBeEnabled(),
      );
    });

    it('does not restart unless asked', async () => {
      const { mesh } = renderActionDialog(server, withRestart(), (_a, body) =>
        answered(switchRevisionPlan, body.dryRun),
      );
      const dialog = await screen.findByRole('dialog');
      await restartBox();
      await userEvent.click(
        await within(dialog).findByRole('button', { name: 'Confirm' }),
      );
      await within(dialog).findByText('Applied');
      expect(mesh.actions.map(a => a.action)).toEqual([
        'switchRevision',
        'switchRevision',
      ]);
    });

    it('keeps the restart off, with the reason, for users who may not restart', async () => {
      renderActionDialog(
        server,
        withRestart({
          allowed: false,
          loading: false,
          reason: 'Only the owners of search-service can restart.',
        } as any),
        (_a, body) => answered(switchRevisionPlan, body.dryRun),
      );
      const box = await restartBox();
      expect(box).toBeDisabled();
      expect(box).toHaveAccessibleDescription(
        'Only the owners of search-service can restart.',
      );
    });

    it('says the change was written when the restart after it fails, and retries only the restart', async () => {
      let restartFails = true;
      const { mesh } = renderActionDialog(
        server,
        withRestart(),
        (action, body) => {
          if (action !== 'restart') {
            return answered(switchRevisionPlan, body.dryRun);
          }
          if (!body.dryRun && restartFails) {
            return staleCluster;
          }
          return answered(restartPlan, body.dryRun);
        },
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.click(await restartBox());
      await within(dialog).findByRole('region', { name: 'Then the restart' });
      await userEvent.click(
        await within(dialog).findByRole('button', { name: 'Confirm' }),
      );

      expect(
        await within(dialog).findByText(/The restart failed \(503/),
      ).toBeInTheDocument();
      expect(within(dialog).getByText('Applied')).toBeInTheDocument();

      restartFails = false;
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Confirm' }),
      );
      await waitFor(() =>
        expect(within(dialog).getAllByText('Applied')).toHaveLength(2),
      );
      expect(
        mesh.actions.filter(a => a.body.dryRun === false).map(a => a.action),
      ).toEqual(['switchRevision', 'restart', 'restart']);
    });
  });
});
