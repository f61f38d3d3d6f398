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
