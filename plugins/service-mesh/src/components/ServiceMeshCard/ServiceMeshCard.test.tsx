import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { delay, http } from 'msw';
import { setupServer } from 'msw/node';
import {
  bookinfoInMesh,
  bookinfoWithUnreachableCluster,
  checkoutDrift,
  legacyBillingNotInMesh,
  searchWithWarnings,
} from '../../__fixtures__/meshStatus';
import {
  API_BASE,
  componentEntity,
  renderWithMesh,
  serveMesh,
} from '../../__testUtils__/renderWithMesh';
import { ServiceMeshCard } from './ServiceMeshCard';

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('ServiceMeshCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  async function renderCard(
    name: string,
    status: ReturnType<typeof bookinfoInMesh>,
  ) {
    const entity = componentEntity(name);
    serveMesh(server, { entity, status });
    await renderWithMesh(<ServiceMeshCard />, { entity });
    return entity;
  }

  it('shows progress while the status loads', async () => {
    server.use(
      http.get(`${API_BASE}/entities/*`, async () => {
        await delay('infinite');
      }),
    );
    await renderWithMesh(<ServiceMeshCard />, {
      entity: componentEntity('bookinfo'),
    });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.getByText('Service mesh')).toBeInTheDocument();
  });

  it('gives the verdict for an entity in the mesh', async () => {
    await renderCard('bookinfo', bookinfoInMesh());

    expect(await screen.findByText('In mesh')).toBeInTheDocument();
    expect(
      screen.getByText(
        'OpenShift Service Mesh 2 basic in istio-system, revision basic (2.5.2)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('6 of 6 workloads with sidecar'),
    ).toBeInTheDocument();
    expect(screen.getByText('No warnings')).toBeInTheDocument();
    // Fresh data shows no age.
    expect(screen.queryByText(/as of/)).not.toBeInTheDocument();
  });

  it('links to Kiali, Jaeger and Grafana with the URLs from the status', async () => {
    const status = bookinfoInMesh();
    await renderCard('bookinfo', status);
    const namespace = status.clusters[0].namespaces[0];

    const kiali = await screen.findByRole('link', { name: 'Kiali' });
    expect(kiali).toHaveAttribute('href', namespace.links.kiali);
    expect(kiali).toHaveAttribute(
      'href',
      'https://kiali-istio-system.apps.demo.example.com/console/graph/namespaces/?namespaces=bookinfo&graphType=versionedApp',
    );
    // Traces of the first workload's service, which Istio names <app>.<namespace>.
    expect(screen.getByRole('link', { name: 'Jaeger' })).toHaveAttribute(
      'href',
      'https://jaeger-istio-system.apps.demo.example.com/search?service=details.bookinfo&lookback=1h',
    );
    expect(screen.getByRole('link', { name: 'Grafana' })).toHaveAttribute(
      'href',
      namespace.links.grafana,
    );
  });

  it('says when the entity is not in the mesh, naming the warning', async () => {
    await renderCard('legacy-billing', legacyBillingNotInMesh());

    expect(await screen.findByText('Not in mesh')).toBeInTheDocument();
    expect(
      screen.getByText('0 of 1 workloads with sidecar'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^1 finding; worst \(info, IST0102\)/),
    ).toBeInTheDocument();
  });

  it('counts warnings and names the worst one', async () => {
    await renderCard('search-service', searchWithWarnings());

    expect(
      await screen.findByText(
        /^3 findings; worst \(warning, IST0123\): The namespace has both istio-injection=enabled/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Partly in mesh, with 2 warnings'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Istio in istio-system, revision default → 1-23-1 (1.23.1)',
      ),
    ).toBeInTheDocument();
  });

  it('shows drift: workloads that need a restart', async () => {
    await renderCard('checkout', checkoutDrift());

    expect(
      await screen.findByText('In mesh, with 2 warnings'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '2 of 2 workloads need a restart to pick up the current proxy',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^2 findings; worst \(warning, SM-OLD-REVISION\)/),
    ).toBeInTheDocument();
  });

  it('says explicitly when a cluster is unreachable', async () => {
    await renderCard('bookinfo', bookinfoWithUnreachableCluster());

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Cluster demo-ossm2-dr is unreachable: connect ECONNREFUSED 10.0.12.5:6443. Its mesh status is unknown.',
    );
    expect(screen.getByText('In mesh')).toBeInTheDocument();
  });

  it('shows the age of data that is not fresh', async () => {
    await renderCard(
      'bookinfo',
      bookinfoInMesh(new Date(Date.now() - 2 * 60_000)),
    );

    expect(
      await screen.findByText('Cluster demo-ossm2: as of 2 min ago'),
    ).toBeInTheDocument();
  });

  it('says when the data is stale, with its age', async () => {
    const status = bookinfoInMesh(new Date(Date.now() - 2 * 60_000));
    status.clusters[0] = {
      ...status.clusters[0],
      stale: true,
      staleSince: status.clusters[0].dataAsOf,
    };
    await renderCard('bookinfo', status);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Cluster demo-ossm2 is stale: data from 2 min ago.',
    );
    expect(screen.queryByText(/as of/)).not.toBeInTheDocument();
  });

  it('shows the error when the status cannot be read', async () => {
    server.use(
      http.get(`${API_BASE}/entities/*`, () =>
        Response.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'Not allowed: service-mesh.status.read on component:default/bookinfo',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderWithMesh(<ServiceMeshCard />, {
      entity: componentEntity('bookinfo'),
    });

    expect(
      await screen.findByText(/Not allowed: service-mesh.status.read/),
    ).toBeInTheDocument();
  });
});
