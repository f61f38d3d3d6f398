/*
 * The backend of bench/status-vs-kubernetes.ts, in a process of its own so
 * that its CPU and its requests to the cluster are counted apart from the
 * demo cluster and the clients.
 *
 * A test backend (startTestBackend) with the service-mesh plugin and
 * @backstage/plugin-kubernetes-backend over the same catalog, permissions,
 * auth and config. Catalog and permissions are the in-process mocks of
 * @backstage/backend-test-utils, wrapped to count calls: the catalog answers
 * without a database, the permission service allows without a round trip.
 * Signals are reported to the parent with the time they were published.
 *
 * Input: BENCH_BACKEND (JSON: cluster url, token, entities). Messages to the
 * parent: ready (port, start times), stats (answer to a stats request),
 * signal (channel, at).
 */
import { subscribe } from 'node:diagnostics_channel';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import type { Entity } from '@backstage/catalog-model';

interface BackendInput {
  clusterUrl: string;
  token: string;
  entities: Entity[];
}

const now = () => performance.timeOrigin + performance.now();

/** Counts of what the backend did, since it started. */
const counts = {
  clusterRequests: 0,
  catalogCalls: 0,
  permissionCalls: 0,
  /** Pauses for garbage collection: young generation (scavenges), and the rest. */
  minorGcMs: 0,
  majorGcMs: 0,
};

new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      counts.minorGcMs += entry.duration;
    } else {
      counts.majorGcMs += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

function countCall<T extends object>(
  service: T,
  counter: 'catalogCalls' | 'permissionCalls',
): T {
  return new Proxy(service, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counts[counter] += 1;
        return value.apply(target, args);
      };
    },
  });
}

function countClusterRequests(clusterUrl: string) {
  const { host } = new URL(clusterUrl);
  subscribe('http.client.request.start', message => {
    const { request } = message as {
      request: { getHeader(name: string): unknown; host?: string };
    };
    if (request.getHeader('host') === host) counts.clusterRequests += 1;
  });
  subscribe('undici:request:create', message => {
    const { request } = message as { request: { origin: string } };
    if (new URL(request.origin).host === host) counts.clusterRequests += 1;
  });
}

async function main() {
  const input = JSON.parse(process.env.BENCH_BACKEND!) as BackendInput;
  countClusterRequests(input.clusterUrl);
  const [serviceMesh, kubernetes] = await Promise.all([
    import('@mesh-backstage/plugin-service-mesh-backend'),
    import('@backstage/plugin-kubernetes-backend'),
  ]);
  const backendStart = now();
  const backend = await startTestBackend({
    features: [
      serviceMesh.default,
      kubernetes.default,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          countCall(
            catalogServiceMock({ entities: input.entities }),
            'catalogCalls',
          ),
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => countCall(mockServices.permissions(), 'permissionCalls'),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          async publish(signal) {
            process.send?.({
              type: 'signal',
              channel: signal.channel,
              at: now(),
            });
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'scale',
                    url: input.clusterUrl,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: input.token,
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  const address = backend.server.address();
  process.send?.({
    type: 'ready',
    port: typeof address === 'object' && address ? address.port : 0,
    processStart: performance.timeOrigin,
    backendStart,
    backendStarted: now(),
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') {
      process.send?.({
        type: 'stats',
        cpu: process.cpuUsage(),
        heapUsed: process.memoryUsage().heapUsed,
        ...counts,
      });
    } else if (message.type === 'stop') {
      void backend.stop().finally(() => process.exit(0));
    }
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
