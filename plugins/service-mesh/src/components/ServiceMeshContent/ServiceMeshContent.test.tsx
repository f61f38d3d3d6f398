import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http } from 'msw';
import { setupServer } from 'msw/node';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import {
  bookinfoInMesh,
  bookinfoWithUnreachableCluster,
  checkoutDrift,
  enrollPlan,
  legacyBillingNotInMesh,
  restartPlan,
  searchWithWarnings,
  sidecarEgressPlan,
  switchRevisionPlan,
} from '../../__fixtures__/meshStatus';
import {
  API_BASE,
  componentEntity,
  readOnly,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { ServiceMeshContent } from './ServiceMeshContent';

const plans: Record<string, object> = {
  enroll: enrollPlan,
  restart: restartPlan,
  switchRevision: switchRevisionPlan,
  sidecarEgress: sidecarEgressPlan,
  setInjection: enrollPlan,
  unenroll: enrollPlan,
};

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ServiceMeshContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  async function renderContent(
    name: string,
    status: EntityMeshStatus | (() => EntityMeshStatus),
    options: {
      permission?: Parameters<typeof renderWithMesh>[1]['permission'];
      respond?: Parameters<typeof serveMesh>[1]['respond'];
    } = {},
  ) {
    const entity = componentEntity(name);
    const mesh = serveMesh(server, {
      entity,
      status,
      respond:
        options.respond ??
        ((action, body) => ({
          json: {
            ...plans[action],
            dryRun: Boolean(body.dryRun),
            applied: !body.dryRun,
          },
        })),
    });
    await renderWithMesh(<ServiceMeshContent />, {
      entity,
      permission: options.permission,
    });
    await screen.findByRole('heading', { name: 'Service mesh' });
    return mesh;
  }

  it('shows progress while the status loads', async () => {
    server.use(
      http.get(`${API_BASE}/entities/*`, async () => {
        await delay('infinite');
      }),
    );
    await renderWithMesh(<ServiceMeshContent />, {
      entity: componentEntity('bookinfo'),
    });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows membership, injection, revisions and workloads of a namespace in the mesh', async () => {
    await renderContent('bookinfo', bookinfoInMesh());

    const settings = screen.getByRole('table', {
      name: 'Mesh settings of bookinfo',
    });
    const fact = (label: string) =>
      within(settings).getByRole('rowheader', { name: label }).nextSibling;
    expect(fact('Membership')).toHaveTextContent(
      'Member, listed in the ServiceMeshMemberRoll',
    );
    expect(fact('Injection')).toHaveTextContent(
      'Per workload (sidecar.istio.io/inject annotation)',
    );
    expect(fact('Effective revision')).toHaveTextContent('basic (2.5.2)');
    expect(fact('Visible services')).toHaveTextContent(
      '37 with the Sidecar egress (1,243 in the mesh)',
    );
    expect(fact('Sidecar resources')).toHaveTextContent(
      'default: ./*, istio-system/*',
    );

    const revisions = screen.getByRole('table', {
      name: 'Revisions of OpenShift Service Mesh 2 basic in istio-system',
    });
    expect(
      within(revisions)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Revision', 'Version', 'istiod', 'Injector', 'Tags']);
    expect(within(revisions).getByRole('rowheader')).toHaveTextContent(
      'basic (default)',
    );

    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(
      expect.arrayContaining([
        'Workload',
        'Pods with sidecar',
        'Pods without sidecar',
        'Proxy revision (version)',
        'State',
        'Links',
      ]),
    );
    const row = screen.getByRole('row', { name: /Deployment productpage-v1/ });
    expect(row).toHaveTextContent('1 of 1');
    expect(row).toHaveTextContent('basic (2.5.2) on 1 pod');
    expect(row).toHaveTextContent('Up to date');
    expect(screen.getByText('No warnings.')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Remove from mesh' }),
    ).toBeEnabled();
  });

  it('links each workload to Kiali and Jaeger with the URLs from the status', async () => {
    await renderContent('bookinfo', bookinfoInMesh());

    expect(
      screen.getByRole('link', { name: /^productpage-v1 in Kiali/ }),
    ).toHaveAttribute(
      'href',
      'https://kiali-istio-system.apps.demo.example.com/console/namespaces/bookinfo/workloads/productpage-v1',
    );
    expect(
      screen.getByRole('link', { name: /^productpage-v1 traces in Jaeger/ }),
    ).toHaveAttribute(
      'href',
      'https://jaeger-istio-system.apps.demo.example.com/search?service=productpage.bookinfo&lookback=1h',
    );
  });

  it('enrolls a namespace that is not in the mesh: dry run, confirm, refresh', async () => {
    let enrolled = false;
    const mesh = await renderContent('legacy-billing', () =>
      enrolled ? bookinfoInMesh() : legacyBillingNotInMesh(),
    );
    expect(
      screen.getByRole('row', { name: /Deployment billing/ }),
    ).toHaveTextContent('No sidecar');
    const before = mesh.statusRequests();

    // The action and the IST0102 fix share the one name; the action comes first.
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Enroll in mesh' })[0],
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Enroll legacy-billing in the mesh',
    });
    expect(
      await within(dialog).findByLabelText(
        'ServiceMeshMemberRoll istio-system/default after the change',
      ),
    ).toHaveTextContent('- legacy-billing');
    enrolled = true;
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );

    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
    expect(mesh.actions.map(a => [a.action, a.body])).toEqual([
      [
        'enroll',
        { cluster: 'demo-ossm2', namespace: 'legacy-billing', dryRun: true },
      ],
      [
        'enroll',
        { cluster: 'demo-ossm2', namespace: 'legacy-billing', dryRun: false },
      ],
    ]);
    await waitFor(() => expect(mesh.statusRequests()).toBe(before + 1));
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Remove from mesh' }),
    ).toBeInTheDocument();
  });

  it('sets injection from the namespace actions', async () => {
    const mesh = await renderContent('search-service', searchWithWarnings());

    await userEvent.click(
      screen.getByRole('button', { name: 'Disable injection' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Disable injection in search',
    });
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Confirm' }),
    );

    await within(dialog).findByText('Applied');
    expect(mesh.actions[1].body).toEqual({
      cluster: 'demo-istio-revisions',
      namespace: 'search',
      injection: 'disabled',
      dryRun: false,
    });
  });

  it('switches to a revision tag picked from those that exist', async () => {
    const mesh = await renderContent('search-service', searchWithWarnings());
    const select = screen.getByRole('combobox', { name: 'Revision or tag' });
    expect(
      within(select)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual([
      'Choose…',
      'Revision 1-23-1 (1.23.1)',
      'Revision 1-24-3 (1.24.3)',
      'Tag default → 1-23-1',
      'Tag prod-stable → 1-23-1',
      'Tag prod-canary → 1-24-3',
    ]);
    expect(
      screen.getByRole('button', { name: 'Switch revision' }),
    ).toBeDisabled();

    await userEvent.selectOptions(select, 'prod-stable');
    await userEvent.click(
      screen.getByRole('button', { name: 'Switch revision' }),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Switch search to prod-stable',
    });
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Confirm' }),
    );
    await within(dialog).findByText('Applied');
    expect(mesh.actions.map(a => a.body)).toEqual([
      {
        cluster: 'demo-istio-revisions',
        namespace: 'search',
        revision: 'prod-stable',
        dryRun: true,
      },
      {
        cluster: 'demo-istio-revisions',
        namespace: 'search',
        revision: 'prod-stable',
        dryRun: false,
      },
    ]);
  });

  it('lists warnings with their code, explanation and a fix that opens the prefilled action', async () => {
    const mesh = await renderContent('search-service', searchWithWarnings());

    const warnings = screen.getByRole('list', { name: 'Warnings' });
    const items = within(warnings).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('IST0123');
    expect(items[0]).toHaveTextContent(
      'istio-injection wins, so the revision label is ignored.',
    );
    expect(items[1]).toHaveTextContent(
      'SM-OLD-REVISION · Deployment search-indexer',
    );
    expect(items[2]).toHaveTextContent('IST0118');
    expect(within(items[2]).queryByRole('button')).not.toBeInTheDocument();

    await userEvent.click(
      within(items[0]).getByRole('button', {
        name: 'Use revision prod-canary only',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Use revision prod-canary only',
    });
    await within(dialog).findByText(
      /^Remove istio-injection; change istio.io\/rev from prod-stable to prod-canary/,
    );
    expect(mesh.actions[0]).toEqual({
      action: 'switchRevision',
      body: {
        cluster: 'demo-istio-revisions',
        namespace: 'search',
        revision: 'prod-canary',
        dryRun: true,
      },
    });
  });

  it('shows drift and restarts the workload that needs it', async () => {
    const mesh = await renderContent('checkout', checkoutDrift());

    const row = screen.getByRole('row', { name: /Deployment checkout/ });
    expect(row).toHaveTextContent('Restart needed');
    expect(row).toHaveTextContent('1-23-1 (1.23.1) on 2 pods');
    expect(row).toHaveTextContent('1-24-3');

    await userEvent.click(
      within(row).getByRole('button', { name: 'Restart checkout' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Restart checkout',
    });
    expect(
      await within(dialog).findByRole('list', { name: 'Pods to be replaced' }),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    await within(dialog).findByText('Applied');
    expect(mesh.actions[1]).toEqual({
      action: 'restart',
      body: {
        cluster: 'demo-istio-revisions',
        namespace: 'checkout',
        workloads: [{ kind: 'Deployment', name: 'checkout' }],
        dryRun: false,
        // The same key on a repeat makes it one restart.
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
  });

  it('shows the error of a failed action', async () => {
    await renderContent('checkout', checkoutDrift(), {
      respond: (_action, body) =>
        body.dryRun
          ? { json: restartPlan }
          : {
              status: 403,
              json: {
                error: {
                  name: 'NotAllowedError',
                  message:
                    'Not allowed: service-mesh.workload.restart on component:default/checkout',
                },
                response: { statusCode: 403 },
              },
            },
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Restart workloads' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Restart workloads in checkout',
    });
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Confirm' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Not allowed: service-mesh.workload.restart on component:default/checkout',
    );
  });

  it('creates a Sidecar egress and lists it after the refresh', async () => {
    let created = false;
    const mesh = await renderContent('legacy-billing', () => {
      const status = legacyBillingNotInMesh();
      if (created) {
        status.clusters[0].namespaces[0].sidecars = [
          {
            name: 'default',
            egressHosts: ['./*', 'istio-system/*', 'payments/*'],
          },
        ];
      }
      return status;
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Create Sidecar egress' }),
    );
    const editor = screen.getByRole('region', {
      name: 'Sidecar egress of legacy-billing',
    });
    await userEvent.type(
      within(editor).getByRole('textbox', { name: 'Egress host' }),
      'payments/*',
    );
    await userEvent.click(
      within(editor).getByRole('button', { name: 'Add host' }),
    );
    await waitFor(() =>
      expect(
        within(editor).getByRole('button', { name: 'Apply Sidecar egress' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      within(editor).getByRole('button', { name: 'Apply Sidecar egress' }),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Apply Sidecar egress in legacy-billing',
    });
    await within(dialog).findByText('Visible services: 1,243 → 37');
    created = true;
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm' }),
    );
    await within(dialog).findByText('Applied');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );

    const settings = screen.getByRole('table', {
      name: 'Mesh settings of legacy-billing',
    });
    await waitFor(() =>
      expect(
        within(settings).getByRole('rowheader', { name: 'Sidecar resources' })
          .nextSibling,
      ).toHaveTextContent('default: ./*, istio-system/*, payments/*'),
    );
    expect(mesh.actions.at(-1)).toEqual({
      action: 'sidecarEgress',
      body: {
        cluster: 'demo-ossm2',
        namespace: 'legacy-billing',
        hosts: ['./*', 'istio-system/*', 'payments/*'],
        dryRun: false,
      },
    });
  });

  it('disables the actions with the reason when the user may not change the entity', async () => {
    await renderContent('search-service', searchWithWarnings(), {
      permission: readOnly,
    });

    const reason =
      'Only the owners of search-service can change its mesh settings.';
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Remove from mesh' }),
      ).toBeDisabled(),
    );
    for (const name of [
      'Remove from mesh',
      'Disable injection',
      'Restart workloads',
      'Create Sidecar egress',
      'Switch revision',
      'Use revision prod-canary only',
      'Restart search-indexer',
    ]) {
      const button = screen.getAllByRole('button', { name })[0];
      expect(button).toBeDisabled();
      expect(button).toHaveAccessibleDescription(reason);
    }
    expect(screen.getByText(reason)).toBeVisible();
  });

  it('says which cluster is unreachable', async () => {
    await renderContent('bookinfo', bookinfoWithUnreachableCluster());

    const section = screen.getByRole('region', {
      name: 'Cluster demo-ossm2-dr',
    });
    expect(within(section).getByRole('alert')).toHaveTextContent(
      'Cluster demo-ossm2-dr is unreachable: connect ECONNREFUSED 10.0.12.5:6443.',
    );
    expect(
      screen.getByRole('table', { name: 'Mesh settings of bookinfo' }),
    ).toBeInTheDocument();
  });

  it('says when the data of a cluster is stale, with its age', async () => {
    const status = bookinfoInMesh(new Date(Date.now() - 3 * 60_000));
    status.clusters[0] = { ...status.clusters[0], stale: true };
    await renderContent('bookinfo', status);

    const section = screen.getByRole('region', { name: 'Cluster demo-ossm2' });
    expect(within(section).getByRole('alert')).toHaveTextContent(
      'Cluster demo-ossm2 is stale: data from 3 min ago. Changes made since are not shown, and restarts are refused until it is read again.',
    );
  });

  it('refreshes on demand', async () => {
    const mesh = await renderContent('bookinfo', bookinfoInMesh());
    const before = mesh.statusRequests();

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    await waitFor(() => expect(mesh.statusRequests()).toBe(before + 1));
  });

  it('says when no cluster runs the entity', async () => {
    await renderContent('bookinfo', {
      entityRef: 'component:default/bookinfo',
      clusters: [],
    });

    expect(screen.getByText('No cluster runs this entity')).toBeInTheDocument();
  });
});
