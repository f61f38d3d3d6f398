/**
 * `@kubernetes/client-node` is an ES module. Jest runs without
 * `--experimental-vm-modules` here (Backstage's backend test utils break with
 * it), so a dynamic `import()` fails; Node's own `require` loads ES modules
 * since Node 22.12 and bypasses Jest's module system.
 */
export type KubernetesClient = typeof import('@kubernetes/client-node');

export function loadKubernetesClient(): KubernetesClient {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(__filename)(
    '@kubernetes/client-node',
  ) as KubernetesClient;
}
