import type { ReactElement } from 'react';
import { act } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import { serviceMeshApiRef, ServiceMeshClient } from '../api';
import { meshPageRouteRef } from '../routes';
import { allowAll, allowOnly } from './renderWithMesh';

/** A signal's message: a JSON object. */
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/** Signals as the app's signal API delivers them, sent by the test. */
export class TestSignals implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<T extends JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(onMessage as (message: JsonObject) => void);
    this.subscribers.set(channel, set);
    return {
      unsubscribe: () => set.delete(onMessage as (m: JsonObject) => void),
    };
  }

  channels(): string[] {
    return [...this.subscribers.entries()]
      .filter(([, set]) => set.size > 0)
      .map(([channel]) => channel);
  }

  emit(channel: string, message: JsonObject) {
    act(() => {
      for (const subscriber of this.subscribers.get(channel) ?? []) {
        subscriber(message);
      }
    });
  }
}

/** A member of the platform team may read, start and operate upgrades. */
export const platformTeam = allowAll;
/** Reads upgrades, but may neither start nor operate them. */
export const upgradeReader = allowOnly(
  name => name === 'service-mesh.upgrade.read' || name.endsWith('status.read'),
);

/**
 * usePermission caches each decision for the whole test file (in SWR's
 * global cache), so tests of another permission policy live in a file of
 * their own (`*.readOnly.test.tsx`).
 *
 * Renders platform-page components with the real client (answered by
 * msw), a permission policy and test signals, with the page mounted at
 * /service-mesh so its links resolve.
 */
export function renderPlatform(
  element: ReactElement,
  options: {
    permission?: Parameters<typeof mockApis.permission>[0];
    signals?: TestSignals | null;
    /** The URL to start at, with the element mounted at `/service-mesh/*`. */
    at?: string;
  } = {},
) {
  const client = new ServiceMeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });
  const signals =
    options.signals === undefined ? new TestSignals() : options.signals;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceMeshApiRef, client],
        mockApis.permission(options.permission ?? platformTeam),
        ...(signals ? [[signalApiRef, signals] as const] : []),
      ]}
    >
      {element}
    </TestApiProvider>,
    {
      ...(options.at
        ? { initialRouteEntries: [options.at], mountPath: '/service-mesh/*' }
        : {}),
      mountedRoutes: {
        '/service-mesh': meshPageRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}
