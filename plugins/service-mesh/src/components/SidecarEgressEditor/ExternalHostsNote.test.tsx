import { useState } from 'react';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MeshActionResponse } from '@mesh-backstage/plugin-service-mesh-common';
import { setupServer } from 'msw/node';
import { legacyBillingNotInMesh } from '../../__fixtures__/meshStatus';
import {
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import type { ActionPermission } from '../../hooks/useMeshPermissions';
import { ActionDialog, type MeshActionIntent } from '../ActionDialog';
import { ExternalHostsNote } from './ExternalHostsNote';

jest.setTimeout(30_000);

const entity = componentEntity('legacy-billing');
const allowed: ActionPermission = { allowed: true, loading: false };

function servedPlan(body: Record<string, unknown>): MeshActionResponse {
  return {
    dryRun: Boolean(body.dryRun),
    applied: !body.dryRun,
    change: {
      operations: [
        {
          verb: 'create',
          apiVersion: 'networking.istio.io/v1',
          kind: 'ServiceEntry',
          namespace: 'legacy-billing',
          name: 'external-hosts',
          summary:
            'Create ServiceEntry external-hosts in legacy-billing declaring api.stripe.com',
          resultYaml:
            'kind: ServiceEntry\nspec:\n  hosts:\n    - api.stripe.com\n',
        },
      ],
    },
    summary: 'Create ServiceEntry external-hosts in legacy-billing',
  };
}

/** The note as the entity page wires it: its button opens the action dialog. */
function NoteWithDialog(props: { permission: ActionPermission }) {
  const [intent, setIntent] = useState<MeshActionIntent>();
  return (
    <>
      <ExternalHostsNote
        hosts={['*/api.stripe.com']}
        cluster="demo-ossm2"
        namespace="legacy-billing"
        permission={props.permission}
        onCreate={request =>
          setIntent({
            action: 'serviceEntry',
            title: 'Create ServiceEntry external-hosts in legacy-billing',
            request,
          })
        }
      />
      {intent && (
        <ActionDialog
          entity={entity}
          intent={intent}
          canForce={false}
          onClose={() => setIntent(undefined)}
          onApplied={() => {}}
        />
      )}
    </>
  );
}

describe('ExternalHostsNote', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function render(permission = allowed) {
    const mesh = serveMesh(server, {
      entity,
      status: legacyBillingNotInMesh(),
      respond: (_action, body) => ({ json: servedPlan(body) }),
    });
    renderWithMesh(<NoteWithDialog permission={permission} />, { entity });
    return mesh;
  }

  it('shows the ServiceEntry with the chosen port and creates it only once confirmed', async () => {
    const mesh = render();

    const yaml = await screen.findByLabelText(
      'ServiceEntry for the external hosts',
    );
    expect(yaml).toHaveTextContent('- api.stripe.com');
    expect(yaml).toHaveTextContent('exportTo: - .');
    expect(yaml).toHaveTextContent('protocol: TLS');
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Port' }),
      'HTTPS on 443',
    );
    expect(yaml).toHaveTextContent('protocol: HTTPS');

    await userEvent.click(
      screen.getByRole('button', { name: 'Create ServiceEntry' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Create ServiceEntry external-hosts in legacy-billing',
    });
    expect(
      await within(dialog).findByLabelText(
        'ServiceEntry legacy-billing/external-hosts after the change',
      ),
    ).toHaveTextContent('- api.stripe.com');
    // The dry run only, until Confirm.
    expect(mesh.actions).toEqual([
      {
        action: 'serviceEntry',
        body: {
          cluster: 'demo-ossm2',
          namespace: 'legacy-billing',
          hosts: ['api.stripe.com'],
          protocol: 'HTTPS',
          dryRun: true,
        },
      },
    ]);

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
    expect(mesh.actions).toHaveLength(2);
    expect(mesh.actions[1]).toMatchObject({
      action: 'serviceEntry',
      body: { hosts: ['api.stripe.com'], protocol: 'HTTPS', dryRun: false },
    });
  });

  it('disables the button with the reason when the user may not create it', async () => {
    const mesh = render({
      allowed: false,
      loading: false,
      reason: 'Only the owners of legacy-billing can change its mesh settings.',
    });

    const button = await screen.findByRole('button', {
      name: 'Create ServiceEntry',
    });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Only the owners of legacy-billing can change its mesh settings.',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(mesh.actions).toEqual([]);
  });
});
