import type {
  CoreV1Api,
  KubeConfig,
  V1ConfigMap,
} from '@kubernetes/client-node';
import {
  DemoCluster,
  DemoClusterOptions,
  startDemoCluster,
} from '../../DemoCluster';
import {
  KubernetesClient,
  loadKubernetesClient,
} from '../../__testUtils__/kubernetesClient';

export const CONFIGMAPS = { group: '', plural: 'configmaps' };

/** A demo cluster for one test file, with a client-node config and client. */
export interface ApiServerFixture {
  k8s: KubernetesClient;
  cluster: DemoCluster;
  kc: KubeConfig;
  core: CoreV1Api;
  /** fetch with the cluster's token. */
  raw(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Starts one demo cluster (fault API on, bookmarks every 100 ms) before the
 * file's tests and closes it after; clears the faults after each test.
 */
export function useApiServer(
  options: DemoClusterOptions = {},
): ApiServerFixture {
  const fixture = {} as ApiServerFixture;
  beforeAll(async () => {
    fixture.k8s = loadKubernetesClient();
    fixture.cluster = await startDemoCluster({
      bookmarkIntervalMs: 100,
      faults: true,
      ...options,
    });
    fixture.kc = new fixture.k8s.KubeConfig();
    fixture.kc.loadFromString(
      JSON.stringify(fixture.cluster.kubeconfig('demo')),
    );
    fixture.core = fixture.kc.makeApiClient(fixture.k8s.CoreV1Api);
    fixture.raw = (path, init = {}) =>
      fetch(`${fixture.cluster.url}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${fixture.cluster.token}`,
          ...(init.headers as Record<string, string>),
        },
      });
  });
  afterAll(async () => {
    await fixture.cluster.close();
  });
  afterEach(() => {
    fixture.cluster.faults.clear();
  });
  return fixture;
}

/** The Status body of a failed client call, whatever shape the client left it in. */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const { code, body } = error as { code: number; body: unknown };
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    return { code, status };
  }
  throw new Error('expected the call to fail');
}

export function configMap(name: string, data: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data,
  } satisfies V1ConfigMap;
}
