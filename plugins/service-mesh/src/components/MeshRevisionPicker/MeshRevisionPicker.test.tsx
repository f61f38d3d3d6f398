import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { ControlPlaneList } from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import { MeshRevisionPicker, validateMeshRevision } from './MeshRevisionPicker';

const overview = {
  clusters: [
    {
      name: 'demo-istio-revisions',
      reachable: true,
      synced: true,
      controlPlanes: [
        {
          flavour: 'istio',
          namespace: 'istio-system',
          revisions: [
            { name: '1-23-1', ready: true, injectorReady: true },
            { name: '1-24-3', ready: true, injectorReady: true },
            { name: '1-25-0', ready: false, injectorReady: false },
          ],
          tags: [{ name: 'prod-canary', revision: '1-24-3' }],
        },
      ],
    },
    {
      name: 'demo-ossm2',
      reachable: true,
      synced: true,
      controlPlanes: [
        {
          flavour: 'ossm2',
          name: 'basic',
          namespace: 'istio-system',
          revisions: [],
          tags: [],
        },
      ],
    },
  ],
} as unknown as ControlPlaneList;

async function renderPicker(formData?: object, form: object = {}) {
  const onChange = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[[serviceMeshApiRef, { getControlPlanes: async () => overview }]]}
    >
      <MeshRevisionPicker
        {...({
          formData,
          onChange,
          required: true,
          rawErrors: [],
          schema: {},
          formContext: { formData: form },
        } as any)}
      />
    </TestApiProvider>,
  );
  return onChange;
}

async function choose(label: string, option: RegExp) {
  fireEvent.mouseDown(screen.getByRole('button', { name: new RegExp(label) }));
  fireEvent.click(within(await screen.findByRole('listbox')).getByText(option));
}

describe('MeshRevisionPicker', () => {
  it('offers the live clusters, and for Istio the tags and ready revisions', async () => {
    const onChange = await renderPicker({
      cluster: 'demo-istio-revisions',
      controlPlaneNamespace: 'istio-system',
      revision: 'prod-canary',
    });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /Cluster/ })).toHaveTextContent(
        'demo-istio-revisions',
      ),
    );
    await choose('Revision or tag', /^1-23-1/);
    expect(onChange).toHaveBeenLastCalledWith({
      cluster: 'demo-istio-revisions',
      controlPlaneNamespace: 'istio-system',
      revision: '1-23-1',
      changes: [],
    });
    fireEvent.mouseDown(
      screen.getByRole('button', { name: /Revision or tag/ }),
    );
    const options = within(await screen.findByRole('listbox'));
    expect(options.getByText('prod-canary (tag → 1-24-3)')).toBeInTheDocument();
    expect(options.queryByText(/1-25-0/)).not.toBeInTheDocument();
  });

  it('picks the only control plane of a cluster and no revision on OSSM 2', async () => {
    const onChange = await renderPicker();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /Cluster/ }),
      ).not.toHaveAttribute('aria-disabled'),
    );
    await choose('Cluster', /^demo-ossm2$/);
    expect(onChange).toHaveBeenLastCalledWith({
      cluster: 'demo-ossm2',
      controlPlaneNamespace: 'istio-system',
      revision: undefined,
      changes: [],
    });
  });

  it('lists what the template will change once the service has a name, for the review', async () => {
    const onChange = await renderPicker(undefined, {
      name: 'checkout',
      egressHosts: ['./*', 'payments/*'],
    });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /Cluster/ }),
      ).not.toHaveAttribute('aria-disabled'),
    );
    await choose('Cluster', /^demo-istio-revisions$/);
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({
        revision: 'prod-canary',
        changes: expect.arrayContaining([
          'Label namespace checkout istio.io/rev=prod-canary',
          'Create Sidecar default in checkout with egress ./*, payments/*',
        ]),
      }),
    );
  });

  it('shows the changes in the form and keeps them in step with the form', async () => {
    const onChange = await renderPicker(
      {
        cluster: 'demo-istio-revisions',
        controlPlaneNamespace: 'istio-system',
        revision: '1-24-3',
      },
      { name: 'checkout' },
    );
    const changes = await screen.findByRole('region', {
      name: 'What will change',
    });
    expect(
      within(changes).getByText(
        'Create namespace checkout on demo-istio-revisions',
      ),
    ).toBeInTheDocument();
    // The stored list was empty: the picker brings it up to date.
    await waitFor(() =>
      expect(onChange).toHaveBeenLastCalledWith(
        expect.objectContaining({
          revision: '1-24-3',
          changes: expect.arrayContaining([
            'Label namespace checkout istio.io/rev=1-24-3',
          ]),
        }),
      ),
    );
  });

  it('asks for a cluster and a control plane', () => {
    const addError = jest.fn();
    validateMeshRevision({}, { addError });
    expect(addError).toHaveBeenCalledWith('Choose a cluster');
  });
});
