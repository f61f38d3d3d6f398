import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  bookinfoInMesh,
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

const allowed = { allowed: true, loading: false };

// Full app renders are slow on a loaded CI machine.
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
        serviceEntryPermission={allowed}
        onCreateServiceEntry={jest.fn()}
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

  it('shows which services the proxies stop seeing, once, and submits the hosts', async () => {
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
      within(screen.getByRole('list', { name: 'No longer visible' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['bookinfo/details', 'bookinfo/reviews', 'orders/orders']);
    // The objects that change are shown by the confirmation, not here too.
    expect(
      screen.queryByLabelText(
        'Sidecar legacy-billing/default after the change',
      ),
    ).toBeNull();

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

  it('suggests */host for a plain external host and shows the ServiceEntry it needs', async () => {
    renderEditor();
    const input = await screen.findByRole('textbox', { name: 'Egress host' });

    await userEvent.type(input, 'api.stripe.com');
    expect(input).toHaveAccessibleDescription(
      /use namespace\/dnsName; for a host in any namespace or outside the cluster, that is \*\/api\.stripe\.com/,
    );
    expect(screen.getByRole('button', { name: 'Add host' })).toBeDisabled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Use */api.stripe.com' }),
    );

    expect(hostsShown()).toEqual(['./*', 'istio-system/*', '*/api.stripe.com']);
    expect(input).toHaveValue('');
    expect(screen.getByText(/is outside the cluster/)).toBeInTheDocument();
    const entry = screen.getByLabelText('ServiceEntry for the external hosts');
    expect(entry).toHaveTextContent('kind: ServiceEntry');
    expect(entry).toHaveTextContent('- api.stripe.com');
    expect(entry).toHaveTextContent('namespace: legacy-billing');
    expect(entry).toHaveTextContent('location: MESH_EXTERNAL');
  });

  it('disables Apply when the Sidecar already has these hosts', async () => {
    const mesh = serveMesh(server, {
      entity,
      status: bookinfoInMesh(),
      respond: () => ({
        json: {
          dryRun: true,
          applied: false,
          change: { operations: [] },
          visibleServices: { before: 6, after: 6 },
          summary: 'The Sidecar egress is already as asked',
        },
      }),
    });
    renderWithMesh(
      <SidecarEgressEditor
        entity={entity}
        cluster="demo-ossm2"
        namespace={bookinfoNamespace()}
        onSubmit={jest.fn()}
        onCancel={jest.fn()}
        serviceEntryPermission={allowed}
        onCreateServiceEntry={jest.fn()}
      />,
      { entity },
    );

    expect(
      await screen.findByText(
        'The Sidecar already has these hosts: nothing to apply.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Apply Sidecar egress' }),
    ).toBeDisabled();
    expect(mesh.actions).toHaveLength(1);
  });
});
