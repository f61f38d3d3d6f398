import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { legacyBillingNotInMesh } from '../../__fixtures__/meshStatus';
import {
  componentEntity,
  readOnly,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { ServiceMeshCard } from './ServiceMeshCard';

// usePermission caches decisions per test file: this policy has its own.
jest.setTimeout(30_000);

describe('ServiceMeshCard for a user who may not change the entity', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('still names the next step, disabled with the reason', async () => {
    const entity = componentEntity('legacy-billing');
    serveMesh(server, { entity, status: legacyBillingNotInMesh });
    await renderWithMesh(<ServiceMeshCard />, {
      entity,
      permission: readOnly,
    });

    const button = await screen.findByRole('button', {
      name: 'Enroll in mesh',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(button).toHaveAccessibleDescription(
      'Only the owners of legacy-billing can change its mesh settings.',
    );
  });
});
