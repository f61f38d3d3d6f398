import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import type { NamespaceMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import {
  bookinfoInMesh,
  checkoutDrift,
  legacyBillingNotInMesh,
} from '../../__fixtures__/meshStatus';
import {
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import type { MeshPermissions } from '../../hooks/useMeshPermissions';
import { NamespaceMeshPanel } from './NamespaceMeshPanel';

const allowed = { allowed: true, loading: false };
const permissions: MeshPermissions = {
  actions: {
    enroll: allowed,
    unenroll: allowed,
    setInjection: allowed,
    switchRevision: allowed,
    restart: allowed,
    sidecarEgress: allowed,
    serviceEntry: allowed,
  },
  force: allowed,
};

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('NamespaceMeshPanel', () => {
  registerMswTestHooks(setupServer());

  it('offers no revision switch on OpenShift Service Mesh 2, which has one revision per control plane', async () => {
    const status = bookinfoInMesh();
    await renderWithMesh(
      <NamespaceMeshPanel
        entity={componentEntity('bookinfo')}
        cluster={status.clusters[0]}
        namespace={status.clusters[0].namespaces[0]}
        permissions={permissions}
        onAction={jest.fn()}
      />,
      { entity: componentEntity('bookinfo') },
    );

    expect(
      screen.getByRole('button', { name: 'Edit Sidecar egress' }),
    ).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: 'Switch revision' }),
    ).not.toBeInTheDocument();
  });

  it('names a revision other than the default as the canary', async () => {
    const status = checkoutDrift();
    await renderWithMesh(
      <NamespaceMeshPanel
        entity={componentEntity('checkout-service')}
        cluster={status.clusters[0]}
        namespace={status.clusters[0].namespaces[0]}
        permissions={permissions}
        onAction={jest.fn()}
      />,
      { entity: componentEntity('checkout-service') },
    );

    const fact = screen.getByRole('row', { name: /Effective revision/ });
    expect(fact).toHaveTextContent('1-24-3 (canary; default is 1-23-1)');
  });

  it('treats a pending member as enrolled', async () => {
    const status = legacyBillingNotInMesh();
    const namespace = {
      ...status.clusters[0].namespaces[0],
      membership: { member: false, pending: true },
    };
    const onAction = jest.fn();
    await renderWithMesh(
      <NamespaceMeshPanel
        entity={componentEntity('legacy-billing')}
        cluster={status.clusters[0]}
        namespace={namespace}
        permissions={permissions}
        onAction={onAction}
      />,
      { entity: componentEntity('legacy-billing') },
    );

    expect(
      screen.getByText(
        'Pending: requested, not yet configured by the operator',
      ),
    ).toBeInTheDocument();
    screen.getByRole('button', { name: 'Remove from mesh' }).click();
    expect(onAction).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'unenroll',
        title: 'Remove legacy-billing from the mesh',
        request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
      }),
    );
  });
});

describe('NamespaceMeshPanel Sidecar egress editor', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('opens the ServiceEntry confirmation for an external host and keeps the editor open', async () => {
    const status = bookinfoInMesh();
    const entity = componentEntity('bookinfo');
    serveMesh(server, { entity, status });
    const onAction = jest.fn();
    await renderWithMesh(
      <NamespaceMeshPanel
        entity={entity}
        cluster={status.clusters[0]}
        namespace={status.clusters[0].namespaces[0]}
        permissions={permissions}
        onAction={onAction}
      />,
      { entity },
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Edit Sidecar egress' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Egress host' }),
      'api.stripe.com',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Use */api.stripe.com' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Create ServiceEntry' }),
    );

    expect(onAction).toHaveBeenCalledWith({
      action: 'serviceEntry',
      title: 'Create ServiceEntry external-hosts in bookinfo',
      request: {
        cluster: status.clusters[0].name,
        namespace: 'bookinfo',
        hosts: ['api.stripe.com'],
        protocol: 'TLS',
      },
    });
    expect(
      screen.getByRole('region', { name: 'Sidecar egress of bookinfo' }),
    ).toBeInTheDocument();
  });

  it('gives the reason a ServiceEntry is not permitted at its button, not above the actions it leaves enabled', async () => {
    const status = bookinfoInMesh();
    const entity = componentEntity('bookinfo');
    serveMesh(server, { entity, status });
    const reason = 'Only the platform team declares external hosts.';
    await renderWithMesh(
      <NamespaceMeshPanel
        entity={entity}
        cluster={status.clusters[0]}
        namespace={status.clusters[0].namespaces[0]}
        permissions={{
          ...permissions,
          actions: {
            ...permissions.actions,
            serviceEntry: { allowed: false, loading: false, reason },
          },
        }}
        onAction={jest.fn()}
      />,
      { entity },
    );

    expect(screen.queryByText(reason)).toBeNull();
    await userEvent.click(
      screen.getByRole('button', { name: 'Edit Sidecar egress' }),
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Egress host' }),
      '*/api.stripe.com{Enter}',
    );
    const create = screen.getByRole('button', { name: 'Create ServiceEntry' });
    expect(create).toBeDisabled();
    expect(create).toHaveAccessibleDescription(reason);
  });
});

/** The actions the panel offers, by state (decided in lib/meshActions). */
describe('NamespaceMeshPanel actions', () => {
  registerMswTestHooks(setupServer());
  const status = legacyBillingNotInMesh();
  const entity = componentEntity('legacy-billing');

  async function renderPanel(namespace: NamespaceMeshStatus) {
    const onAction = jest.fn();
    await renderWithMesh(
      <NamespaceMeshPanel
        entity={entity}
        cluster={status.clusters[0]}
        namespace={namespace}
        permissions={permissions}
        onAction={onAction}
      />,
      { entity },
    );
    return onAction;
  }

  const actionButtons = () =>
    screen
      .getAllByRole('button')
      .map(b => b.textContent)
      .filter(name =>
        /mesh|injection|Restart workloads|Sidecar egress/.test(name ?? ''),
      );

  it('offers a namespace with no injection setting to enroll only, and that enroll offers the restart', async () => {
    const namespace = {
      ...status.clusters[0].namespaces[0],
      injection: { mode: 'unset' as const, perWorkload: false },
      warnings: [],
    };
    const onAction = await renderPanel(namespace);

    expect(actionButtons()).toEqual([
      'Enroll in mesh',
      'Restart workloads',
      'Create Sidecar egress',
    ]);
    expect(
      screen.queryByRole('button', { name: 'Disable injection' }),
    ).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Remove injection setting' }),
    ).toBeNull();

    await userEvent.click(
      screen.getByRole('button', { name: 'Enroll in mesh' }),
    );
    expect(onAction).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'enroll',
        restart: expect.objectContaining({
          intent: expect.objectContaining({ action: 'restart' }),
        }),
      }),
    );
  });

  it('offers an injected namespace to leave or disable, once each', async () => {
    const namespace = {
      ...status.clusters[0].namespaces[0],
      membership: { member: true, via: 'labels' as const },
      injection: { mode: 'enabled' as const, perWorkload: false },
      warnings: [],
    };
    await renderPanel(namespace);

    expect(actionButtons()).toEqual([
      'Remove from mesh',
      'Disable injection',
      'Restart workloads',
      'Create Sidecar egress',
    ]);
  });
});
