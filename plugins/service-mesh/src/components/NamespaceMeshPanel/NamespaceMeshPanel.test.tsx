import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  bookinfoInMesh,
  checkoutDrift,
  legacyBillingNotInMesh,
} from '../../__fixtures__/meshStatus';
import {
  componentEntity,
  renderWithMesh,
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
  },
  force: allowed,
};

// Full app renders with material-table are slow on a loaded CI machine.
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
    expect(onAction).toHaveBeenCalledWith({
      action: 'unenroll',
      title: 'Remove legacy-billing from the mesh',
      request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
    });
  });
});
