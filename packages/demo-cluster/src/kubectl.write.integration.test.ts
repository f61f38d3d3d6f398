/*
 * Acceptance: the everyday write commands of each kubectl build on the machine
 * (1.35 sends protobuf bodies for `create` of built-in types).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  KubectlClient,
  KubectlCluster,
  kubectlClients,
  kubectlCommands,
  startKubectlCluster,
} from './__testUtils__/kubectl';

const CLIENTS = kubectlClients();

jest.setTimeout(60_000);

describe('kubectl write commands', () => {
  let started: KubectlCluster;

  beforeAll(async () => {
    started = await startKubectlCluster('istio-revisions');
    // `kubectl edit` runs $KUBE_EDITOR on a file holding the object.
    await fs.writeFile(
      join(started.dir, 'editor.sh'),
      '#!/bin/sh\nsed -i "s/owner: first/owner: edited/" "$1"\n',
      { mode: 0o755 },
    );
  }, 60_000);

  afterAll(() => started?.close());

  describe.each(CLIENTS)('$label', (client: KubectlClient) => {
    const ns = `write-${client.gitVersion.replace(/[^0-9a-z]+/gi, '-')}`
      .toLowerCase()
      .replace(/-$/, '');
    const { kubectl, kubectlWithEnv, ok } = kubectlCommands(
      client,
      () => started.kubeconfig,
    );
    /** The containers of the pod `apply --dry-run=server` returns. */
    const dryRunContainers = (manifest: string) =>
      ok(
        'apply',
        '--dry-run=server',
        '-f',
        manifest,
        '-o',
        'jsonpath={.spec.containers[*].name}',
      );
    const stored = (plural: string, name: string) =>
      started.cluster.api.get(
        { group: plural === 'deployments' ? 'apps' : '', plural },
        plural === 'namespaces' ? undefined : ns,
        name,
      );

    it('creates a namespace, a configmap, a secret and a service account', async () => {
      expect(await ok('create', 'namespace', ns)).toContain(
        `namespace/${ns} created`,
      );
      await ok(
        'create',
        'configmap',
        'settings',
        '-n',
        ns,
        '--from-literal=mode=fast',
        '--from-literal=level=3',
      );
      await ok(
        'create',
        'secret',
        'generic',
        'token',
        '-n',
        ns,
        '--from-literal=key=s3cret',
      );
      await ok('create', 'serviceaccount', 'bot', '-n', ns);

      expect(stored('namespaces', ns)?.status).toEqual({ phase: 'Active' });
      expect(stored('configmaps', 'settings')).toMatchObject({
        data: { mode: 'fast', level: '3' },
      });
      expect(stored('secrets', 'token')).toMatchObject({
        data: { key: Buffer.from('s3cret').toString('base64') },
      });
      expect(stored('serviceaccounts', 'bot')?.metadata.namespace).toBe(ns);
    });

    it('refuses names a real apiserver refuses, with its message', async () => {
      const refused = await kubectl('create', 'namespace', 'with.dot');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'The Namespace "with.dot" is invalid: metadata.name: Invalid value: "with.dot": a lowercase RFC 1123 label must consist of',
      );
      const long = await kubectl('create', 'namespace', 'n'.repeat(66));
      expect(long.stderr).toContain('must be no more than 63 characters');
    });

    it('scales, annotates, sets the image of and edits a Deployment', async () => {
      const manifest = join(started.dir, `${ns}-deployment.json`);
      await fs.writeFile(
        manifest,
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'nginx:1' }] },
            },
          },
        }),
      );
      await ok('apply', '-f', manifest);

      expect(
        await ok('scale', 'deployment/web', '-n', ns, '--replicas=3'),
      ).toContain('scaled');
      await ok('annotate', 'deployment/web', '-n', ns, 'owner=first');
      await ok('set', 'image', 'deployment/web', '-n', ns, 'web=nginx:2');
      const edited = await kubectlWithEnv(
        { KUBE_EDITOR: join(started.dir, 'editor.sh') },
        'edit',
        'deployment/web',
        '-n',
        ns,
      );
      expect(edited).toMatchObject({ code: 0 });

      const web = stored('deployments', 'web') as Record<string, any>;
      expect(web.spec.replicas).toBe(3);
      expect(web.metadata.annotations.owner).toBe('edited');
      expect(web.spec.template.spec.containers[0].image).toBe('nginx:2');
    });

    it('selects pods by a supported field and refuses an unsupported one', async () => {
      expect(
        await ok(
          'get',
          'pods',
          '-n',
          'catalog',
          '--field-selector=status.phase=Running',
          '-o',
          'name',
        ),
      ).toMatch(/^pod\//m);
      const refused = await kubectl(
        'get',
        'deployments',
        '-n',
        ns,
        '--field-selector=spec.replicas=3',
      );
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'field label not supported: spec.replicas',
      );
    });

    it('runs apply --dry-run=server and diff through admission, storing nothing', async () => {
      // catalog is injected (istio.io/rev=prod-stable).
      const manifest = join(started.dir, `${ns}-pod.json`);
      await fs.writeFile(
        manifest,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `dry-${ns}`, namespace: 'catalog' },
          spec: { containers: [{ name: 'app', image: 'app:1' }] },
        }),
      );
      const writes = started.cluster.api.writeCount();
      const dry = await dryRunContainers(manifest);
      expect(dry.split(' ')).toContain('istio-proxy');
      // diff exits 1 when it finds a difference, here the whole new pod.
      const diff = await kubectl('diff', '-f', manifest);
      expect(diff).toMatchObject({ code: 1 });
      expect(diff.stdout).toContain('+  - image: app:1');
      await ok('delete', 'configmap', 'settings', '-n', ns, '--dry-run=server');
      expect(stored('configmaps', 'settings')).toBeDefined();
      expect(started.cluster.api.writeCount()).toBe(writes);
      expect(
        started.cluster.api.get(
          { group: '', plural: 'pods' },
          'catalog',
          `dry-${ns}`,
        ),
      ).toBeUndefined();
    });

    it('injects no second istio-proxy and refuses duplicate container names', async () => {
      const manifest = join(started.dir, `${ns}-proxied.json`);
      const write = (containers: string[]) =>
        fs.writeFile(
          manifest,
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `proxied-${ns}`, namespace: 'catalog' },
            spec: {
              containers: containers.map(name => ({ name, image: 'img:1' })),
            },
          }),
        );
      await write(['app', 'istio-proxy']);
      expect(await dryRunContainers(manifest)).toBe('app istio-proxy');
      await write(['app', 'app']);
      const refused = await kubectl(
        'apply',
        '--dry-run=server',
        '-f',
        manifest,
      );
      expect(refused.stderr).toContain(
        'spec.containers[1].name: Duplicate value: "app"',
      );
    });

    it('applies server-side: creates, updates as its field manager, and reports conflicts', async () => {
      const manifest = join(started.dir, `${ns}-ssa.json`);
      const write = (name: string, data: Record<string, string>) =>
        fs.writeFile(
          manifest,
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name, namespace: ns },
            data,
          }),
        );
      const configMap = (name: string) => stored('configmaps', name);

      await write('applied', { a: '1', b: '2' });
      const dryRun = await ok(
        'apply',
        '--server-side',
        '--dry-run=server',
        '-f',
        manifest,
      );
      expect(dryRun).toContain(
        'configmap/applied serverside-applied (server dry run)',
      );
      expect(configMap('applied')).toBeUndefined();
      expect(await ok('apply', '--server-side', '-f', manifest)).toContain(
        'configmap/applied serverside-applied',
      );
      expect(configMap('applied')?.data).toEqual({ a: '1', b: '2' });
      expect(configMap('applied')?.metadata.managedFields).toMatchObject([
        { manager: 'kubectl', operation: 'Apply' },
      ]);

      // Dropping b from the configuration removes it; a field set by a
      // plain write (mode, from `create`) stays.
      await write('settings', { a: 'b' });
      await ok('apply', '--server-side', '-f', manifest);
      expect(configMap('settings')?.data).toMatchObject({
        mode: 'fast',
        a: 'b',
      });
      await write('applied', { a: '1' });
      await ok('apply', '--server-side', '-f', manifest);
      expect(configMap('applied')?.data).toEqual({ a: '1' });

      await write('applied', { a: 'other' });
      const conflicting = await kubectl(
        'apply',
        '--server-side',
        '--field-manager=other',
        '-f',
        manifest,
      );
      expect(conflicting.code).not.toBe(0);
      expect(conflicting.stderr).toContain(
        'Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.a',
      );
      expect(configMap('applied')?.data).toEqual({ a: '1' });
      await ok(
        'apply',
        '--server-side',
        '--field-manager=other',
        '--force-conflicts',
        '-f',
        manifest,
      );
      expect(configMap('applied')?.data).toEqual({ a: 'other' });
    });

    it('prints simulated logs that say they are not kept', async () => {
      const pod = await ok(
        'get',
        'pods',
        '-n',
        'catalog',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      );
      const logs = await ok('logs', '-n', 'catalog', pod, '-c', 'istio-proxy');
      expect(logs).toContain(
        `container istio-proxy (image docker.io/istio/proxyv2:1.23.1) of pod catalog/${pod} is simulated`,
      );
      expect(logs).toContain('logs are not kept by the demo cluster');
      const wrong = await kubectl('logs', '-n', 'catalog', pod, '-c', 'nope');
      expect(wrong.stderr).toContain(
        `container nope is not valid for pod ${pod}`,
      );
    });

    it('deletes a configmap, then the namespace', async () => {
      await ok('delete', 'configmap', 'settings', '-n', ns);
      expect(stored('configmaps', 'settings')).toBeUndefined();
      await ok('delete', 'namespace', ns, '--wait=false');
      // Gone, or Terminating while what it holds is deleted.
      const phase = (stored('namespaces', ns)?.status as { phase?: string })
        ?.phase;
      expect(phase ?? 'Gone').toMatch(/^(Gone|Terminating)$/);
    });
  });
});
