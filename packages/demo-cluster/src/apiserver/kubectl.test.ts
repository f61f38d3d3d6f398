import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoCluster, startDemoCluster, writeKubeconfig } from '../DemoCluster';
import {
  KubectlClient,
  kubectlClients,
  runKubectl,
} from '../__testUtils__/kubectl';

/** The kubectl builds found here; the npm package's 1.35 at least. */
const KUBECTLS = kubectlClients();

jest.setTimeout(30_000);

const NAMESPACES = { group: '', plural: 'namespaces' };
const PODS = { group: '', plural: 'pods' };
const CONFIGMAPS = { group: '', plural: 'configmaps' };

describe.each(KUBECTLS)(
  '$label against the demo cluster',
  (client: KubectlClient) => {
    let cluster: DemoCluster;
    let dir: string;

    const kubectl = (...args: string[]) =>
      runKubectl(client, join(dir, 'kubeconfig'), args);

    beforeAll(async () => {
      // kubectl only sends a bearer token over TLS.
      cluster = await startDemoCluster({ tls: true });
      dir = await fs.mkdtemp(join(tmpdir(), 'demo-cluster-kubectl-'));
      await writeKubeconfig(join(dir, 'kubeconfig'), [
        {
          contextName: 'demo',
          url: cluster.url,
          token: cluster.token,
          caData: cluster.caData,
        },
      ]);
      cluster.api.create(NAMESPACES, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop' },
      });
      for (const [name, app] of [
        ['web', 'x'],
        ['db', 'y'],
      ]) {
        cluster.api.create(PODS, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'shop', labels: { app } },
          spec: { containers: [{ name: 'app', image: 'app:1' }] },
          status: { phase: 'Running' },
        });
      }
    });

    afterAll(async () => {
      await cluster.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('gets namespaces as a table', async () => {
      const { code, stdout } = await kubectl('get', 'ns');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/);
      expect(stdout).toMatch(/^shop\s+Active\s+\d+s$/m);
      expect(stdout).toMatch(/^kube-system\s+Active/m);
    });

    it('gets pods across namespaces by label', async () => {
      const { code, stdout } = await kubectl(
        'get',
        'pods',
        '-A',
        '-l',
        'app=x',
      );
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
      );
      expect(lines.slice(1).map(line => line.split(/\s+/).slice(0, 4))).toEqual(
        [['shop', 'web', '0/1', 'Running']],
      );
    });

    it('labels a namespace with --overwrite', async () => {
      expect((await kubectl('label', 'ns', 'shop', 'team=a')).code).toBe(0);
      const { code, stdout } = await kubectl(
        'label',
        'ns',
        'shop',
        'team=b',
        '--overwrite',
      );
      expect(code).toBe(0);
      expect(stdout).toContain('namespace/shop labeled');
      expect(
        cluster.api.get(NAMESPACES, undefined, 'shop')?.metadata.labels,
      ).toEqual({ team: 'b' });
    });

    it('patches with --type=json and refuses a failed test op', async () => {
      const patched = await kubectl(
        'patch',
        'pod',
        'db',
        '-n',
        'shop',
        '--type=json',
        '-p',
        '[{"op":"test","path":"/metadata/labels/app","value":"y"},{"op":"replace","path":"/metadata/labels/app","value":"z"}]',
      );
      expect(patched.code).toBe(0);
      expect(cluster.api.get(PODS, 'shop', 'db')?.metadata.labels).toEqual({
        app: 'z',
      });

      const refused = await kubectl(
        'patch',
        'pod',
        'db',
        '-n',
        'shop',
        '--type=json',
        '-p',
        '[{"op":"test","path":"/metadata/labels/app","value":"y"}]',
      );
      expect(refused.code).not.toBe(0);
      // kubectl 1.20 prints only the reason of the 422.
      expect(refused.stderr).toMatch(/testing value|The request is invalid/);
    });

    it('applies a ConfigMap, then applies a change to it', async () => {
      const file = join(dir, 'configmap.yaml');
      const manifest = (value: string) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: "${value}"\n`;

      await fs.writeFile(file, manifest('one'));
      const created = await kubectl('apply', '-f', file);
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toContain('configmap/settings created');

      await fs.writeFile(file, manifest('two'));
      const configured = await kubectl('apply', '-f', file);
      expect(configured.stdout).toContain('configmap/settings configured');
      expect(cluster.api.get(CONFIGMAPS, 'shop', 'settings')?.data).toEqual({
        mode: 'two',
      });
    });
  },
);
