type KubernetesClient = typeof import('@kubernetes/client-node');

let client: KubernetesClient | undefined;

/**
 * @kubernetes/client-node is an ES module. Node's own require loads ES
 * modules since 22.12, in the CommonJS backend and under Jest alike (Jest's
 * dynamic import would need --experimental-vm-modules, which breaks other
 * Backstage test utilities), so we use it rather than Jest's.
 */
export async function loadKubernetesClient(): Promise<KubernetesClient> {
  client ??= process.getBuiltinModule('node:module').createRequire(__filename)(
    '@kubernetes/client-node',
  ) as KubernetesClient;
  return client;
}

/**
 * An API client of `kc`'s current cluster whose every request is aborted
 * after `timeoutMs`, so a hanging apiserver cannot hold a caller forever.
 * `ApiClient` is a class such as `k8s.CoreV1Api`.
 */
export function makeTimedApiClient<T>(
  k8s: KubernetesClient,
  kc: import('@kubernetes/client-node').KubeConfig,
  ApiClient: new (
    configuration: import('@kubernetes/client-node').Configuration,
  ) => T,
  timeoutMs: number,
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig has no current cluster');
  return new ApiClient(
    k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async request => {
            request.setSignal(AbortSignal.timeout(timeoutMs) as any);
            return request;
          },
          post: async response => response,
        },
      ],
    }),
  );
}
