import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DemoCluster,
  scenarios,
  startDemoCluster,
} from '@mesh-backstage/demo-cluster';
import request from 'supertest';
import { serviceMeshPlugin } from '../plugin';
import { waitUntil } from './demoClusters';

export const NAMESPACES = { group: '', plural: 'namespaces' };
export const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };
export const SMMR = { group: 'maistra.io', plural: 'servicemeshmemberrolls' };

/** The `serviceMesh` config of the backend under test. */
export interface FaultSuiteConfig {
  staleAfterSeconds?: number;
  kubernetesRequests?: {
    timeoutSeconds?: number;
    maxInFlightPerCluster?: number;
    retry?: { maxAttempts?: number; budgetSeconds?: number };
  };
}

export interface FaultBackend {
  /** Demo clusters by name, `demo-<scenario>`. */
  clusters: Record<string, DemoCluster>;
  status(entity: Entity): Promise<request.Response>;
  action(
    entity: Entity,
    action: string,
    body: Record<string, unknown>,
  ): Promise<request.Response>;
  close(): Promise<void>;
}

/**
 * The whole plugin in a test backend (config, router, Backstage's error
 * handler), against demo clusters whose fault API the scenarios drive.
 */
export async function startFaultBackend(options: {
  scenarios: string[];
  entities: Entity[];
  serviceMesh: FaultSuiteConfig;
  /** Adds objects before the backend starts, e.g. namespaces to enrol. */
  prepare?: (clusters: Record<string, DemoCluster>) => Promise<void>;
}): Promise<FaultBackend> {
  const clusters: Record<string, DemoCluster> = {};
  const stops: Array<() => void> = [];
  for (const name of options.scenarios) {
    clusters[`demo-${name}`] = await startDemoCluster({
      setup: async (api, faults) => {
        stops.push(
          await scenarios[name].setup(api, { faults, readyDelayMs: 0 }),
        );
      },
    });
  }
  await options.prepare?.(clusters);
  const backend = await startTestBackend({
    features: [
      serviceMeshPlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: Object.entries(clusters).map(([name, cluster]) => ({
                  name,
                  url: cluster.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: cluster.token,
                  skipTLSVerify: true,
                })),
              },
            ],
          },
          // A plain JSON object, as config data is.
          serviceMesh: options.serviceMesh as JsonObject,
        },
      }),
    ],
  });
  const entityPath = (entity: Entity) =>
    `/api/service-mesh/entities/${entity.kind.toLocaleLowerCase('en-US')}/${
      entity.metadata.namespace ?? 'default'
    }/${entity.metadata.name}`;
  const result: FaultBackend = {
    clusters,
    // Awaited here: a supertest request is sent only once awaited, and
    // scenarios start requests that they await later.
    status: async entity =>
      await request(backend.server)
        .get(`${entityPath(entity)}/status`)
        .set('Authorization', mockCredentials.user.header()),
    action: async (entity, action, body) =>
      await request(backend.server)
        .post(`${entityPath(entity)}/actions/${action}`)
        .set('Authorization', mockCredentials.user.header())
        .send(body),
    async close() {
      await backend.stop();
      stops.forEach(stop => stop());
      await Promise.all(Object.values(clusters).map(c => c.close()));
    },
  };
  // Caches fill in the background after start: wait until they have.
  await waitUntil(async () => {
    const answer = await result.status(options.entities[0]);
    return answer.body.clusters?.every((c: any) => c.synced) ?? false;
  });
  return result;
}

/** An entity that owns exactly one namespace. */
export function namespaceEntity(namespace: string, cluster?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: namespace,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-namespace': namespace,
        ...(cluster && { 'backstage.io/kubernetes-cluster': cluster }),
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/guests',
      lifecycle: 'production',
    },
  };
}

/** Creates namespaces `<prefix>-01` ... on a cluster; returns their names. */
export async function createNamespaces(
  cluster: DemoCluster,
  prefix: string,
  count: number,
): Promise<string[]> {
  const names = Array.from(
    { length: count },
    (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`,
  );
  for (const name of names) {
    await cluster.api.create(NAMESPACES, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
  return names;
}

/** One line of figures per scenario, for the closing note. */
export function report(scenario: string, figures: Record<string, unknown>) {
  const text = Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  // eslint-disable-next-line no-console
  console.log(`[fault-suite] ${scenario}: ${text}`);
}

/** Seconds since `start` (a performance.now() value), one decimal. */
export function secondsSince(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}
