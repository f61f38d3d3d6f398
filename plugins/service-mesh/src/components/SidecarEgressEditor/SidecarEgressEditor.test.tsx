import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  bookinfoNamespace,
  legacyBillingNotInMesh,
  sidecarEgressPlan,
} from '../../__fixtures__/meshStatus';
import {
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { SidecarEgressEditor } from './SidecarEgressEditor';

// Full app renders with material-table are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('SidecarEgressEditor', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const entity = componentEntity('legacy-billing');
  const namespace = legacyBillingNotInMesh().clusters[0].namespaces[0];

  function renderEditor(ns = namespace) {
    const mesh = serveMesh(server, {
      entity,
      status: legacyBillingNotInMesh(),
      respond: () => ({ json: sidecarEgressPlan }),
    });
    const onSubmit = jest.fn();
    renderWithMesh(
      <SidecarEgressEditor
        entity={entity}
        cluster="demo-ossm2"
        namespace={ns}
        onSubmit={onSubmit}
        onCancel={jest.fn()}
      />,
      { entity },
    );
    return { mesh, onSubmit };
  }

  const hostsShown = () =>
    within(screen.getByRole('list', { name: 'Egress hosts' }))
      .getAllByRole('listitem')
      .map(item => item.textContent);

  it('starts from this namespace and the control-plane namespace', async () => {
    const { mesh } = renderEditor();

    expect(
      await screen.findByRole('heading', {
        name: 'Create a Sidecar egress (default)',
      }),
    ).toBeInTheDocument();
    expect(hostsShown()).toEqual(['./*', 'istio-system/*']);
    await waitFor(() => expect(mesh.actions).toHaveLength(1));
    expect(mesh.actions[0].body).toEqual({
      cluster: 'demo-ossm2',
      namespace: 'legacy-billing',
      hosts: ['./*', 'istio-system/*'],
      dryRun: true,
    });
  });

  it('starts from the hosts of an existing Sidecar and keeps its name', async () => {
    const { mesh } = renderEditor(bookinfoNamespace());

    expect(
      await screen.findByRole('heading', { name: 'Edit Sidecar default' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(mesh.actions).toHaveLength(1));
    expect(mesh.actions[0].body).toMatchObject({
      name: 'default',
      hosts: ['./*', 'istio-system/*'],
    });
  });

  it('validates hosts as they are typed', async () => {
    renderEditor();
    const input = await screen.findByRole('textbox', { name: 'Egress host' });
    const addButton = screen.getByRole('button', { name: 'Add host' });

    await userEvent.type(input, 'payments');
    expect(input).toHaveAccessibleDescription(
      'Egress host "payments": use namespace/dnsName, such as payments/* or ./*',
    );
    expect(input).toBeInvalid();
    expect(addButton).toBeDisabled();

    await userEvent.clear(input);
    await userEvent.type(input, 'Payments/*');
    expect(input).toHaveAccessibleDescription(
      /"Payments" is not a namespace name/,
    );

    await userEvent.clear(input);
    await userEvent.type(input, './*');
    expect(input).toHaveAccessibleDescription('./* is already listed');
    expect(addButton).toBeDisabled();

    await userEvent.clear(input);
    await userEvent.type(input, '*/*.svc.cluster.local');
    expect(input).toBeValid();
    expect(addButton).toBeEnabled();
  });

  it('shows the YAML and the visible services of the dry run, and submits the hosts', async () => {
    const { mesh, onSubmit } = renderEditor();

    await userEvent.type(
      await screen.findByRole('textbox', { name: 'Egress host' }),
      'payments/*{Enter}',
    );
    expect(hostsShown()).toEqual(['./*', 'istio-system/*', 'payments/*']);
    await waitFor(() => expect(mesh.actions).toHaveLength(2));
    expect(mesh.actions[1].body.hosts).toEqual([
      './*',
      'istio-system/*',
      'payments/*',
    ]);
    expect(
      await screen.findByText('Visible services: 1,243 → 37'),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('Sidecar legacy-billing/default after the change'),
    ).toHaveTextContent('- payments/*');

    await userEvent.click(
      screen.getByRole('button', { name: 'Apply Sidecar egress' }),
    );
    expect(onSubmit).toHaveBeenCalledWith({
      cluster: 'demo-ossm2',
      namespace: 'legacy-billing',
      hosts: ['./*', 'istio-system/*', 'payments/*'],
    });
  });

  it('removes a host', async () => {
    renderEditor();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Remove istio-system/*' }),
    );

    expect(hostsShown()).toEqual(['./*']);
    // The last host cannot be removed: a Sidecar needs one.
    expect(screen.getByRole('button', { name: 'Remove ./*' })).toBeDisabled();
  });
});
