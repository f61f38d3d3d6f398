/**
 * @kubernetes/client-node is an ES module; a CommonJS backend loads it with a
 * dynamic import, as Backstage's Kubernetes plugin does. Loaded once.
 */
let client: Promise<typeof import('@kubernetes/client-node')> | undefined;

export function loadKubernetesClient() {
  client ??= import('@kubernetes/client-node');
  return client;
}
