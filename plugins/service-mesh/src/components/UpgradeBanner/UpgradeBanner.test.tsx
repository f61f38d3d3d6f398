import { screen, waitFor } from '@testing-library/react';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type {
  EntityMeshStatus,
  UpgradeDetails,
} from '@mesh-backstage/plugin-service-mesh-common';
import { upgrade, UPGRADE_ID } from '../../__fixtures__/upgrades';
import {
  renderPlatform,
  TestSignals,
} from '../../__testUtils__/renderPlatform';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import { bannerText, UpgradeBanner } from './UpgradeBanner';

function statusOf(namespace: string): EntityMeshStatus {
  return {
    entityRef: 'component:default/checkout-service',
    clusters: [
      {
        name: 'demo-istio-revisions',
        reachable: true,
        synced: true,
        controlPlanes: [],
        namespaces: [
          {
            name: namespace,
            membership: { member: true },
            injection: { mode: 'unset', perWorkload: false },
            workloads: [],
            sidecars: [],
            visibleServices: { all: 0 },
            warnings: [],
            links: {},
          },
        ],
      },
    ],
  };
}

describe('UpgradeBanner', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(current: () => UpgradeDetails | undefined) {
    const listed: string[] = [];
    server.use(
      http.get(`${API_BASE}/upgrades`, ({ request }) => {
        listed.push(new URL(request.url).search);
        const u = current();
        return HttpResponse.json({ items: u ? [u] : [] });
      }),
      http.get(`${API_BASE}/upgrades/${UPGRADE_ID}`, () =>
        HttpResponse.json(current()),
      ),
    );
    return listed;
  }

  it('says which batch the namespace is in, linked to the upgrade, asking only about its cluster', async () => {
    const listed = serve(() => upgrade('running'));
    renderPlatform(<UpgradeBanner status={statusOf('checkout')} />);
    expect(
      await screen.findByText(
        'Mesh upgrade to 1-24-3: your namespace checkout is in batch 2 of 3 (migrating)',
      ),
    ).toBeVisible();
    expect(
      screen.getByRole('link', { name: 'See the upgrade' }),
    ).toHaveAttribute('href', `/service-mesh/upgrades/${UPGRADE_ID}`);
    expect(listed[0]).toBe('?cluster=demo-istio-revisions');
  });

  it('says when the namespace was migrated', () => {
    const now = Date.parse('2026-12-02T06:10:00.000Z');
    const running = upgrade('running');
    expect(
      bannerText(
        {
          upgrade: running,
          namespaces: [
            {
              namespace: 'catalog',
              batch: 1,
              batches: 3,
              status: 'done',
              finishedAt: '2026-12-02T06:00:00.000Z',
            },
          ],
        },
        now,
      ),
    ).toBe(
      'Mesh upgrade to 1-24-3: your namespace catalog migrated 10 min ago',
    );
  });

  it('shows nothing when no upgrade touches the namespace, and appears on the upgrade signal', async () => {
    const served: { upgrade?: UpgradeDetails } = {};
    const signals = new TestSignals();
    serve(() => served.upgrade);
    const { container } = renderPlatform(
      <UpgradeBanner status={statusOf('checkout')} />,
      { signals },
    );
    await waitFor(() =>
      expect(signals.channels()).toEqual(['service-mesh:upgrades']),
    );
    expect(container.querySelector('[role="alert"]')).toBeNull();
    served.upgrade = upgrade('pausedOnGate');
    signals.emit('service-mesh:upgrades', { id: UPGRADE_ID, version: 3 });
    expect(
      await screen.findByText(
        /your namespace checkout is in batch 2 of 3 \(failed\)/,
      ),
    ).toBeVisible();
  });

  it('shows nothing to people who may not read upgrades', async () => {
    let asked = false;
    server.use(
      http.get(`${API_BASE}/upgrades`, () => {
        asked = true;
        return HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'no' } },
          { status: 403 },
        );
      }),
    );
    const { container } = renderPlatform(
      <UpgradeBanner status={statusOf('checkout')} />,
    );
    await waitFor(() => expect(asked).toBe(true));
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });
});
