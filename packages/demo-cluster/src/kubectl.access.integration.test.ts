/*
 * Acceptance: `kubectl auth can-i` / `auth whoami` for the admin token and a
 * limited one (and the 403 a real apiserver answers beyond its rights),
 * `kubectl explain` from OpenAPI v3 (v2, custom resources only, before 1.27),
 * client-side validation against OpenAPI v2, and the columns `kubectl get` prints,
 * for each kubectl build on the machine.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { READ_ONLY_RULES } from './apiserver/authorization';
import {
  KubectlClient,
  KubectlCluster,
  kubectlClients,
  kubectlCommands,
  startKubectlCluster,
} from './__testUtils__/kubectl';

const CLIENTS = kubectlClients();

jest.setTimeout(60_000);

const minor = (client: KubectlClient) =>
  Number(/^v1\.(\d+)/.exec(client.gitVersion)?.[1] ?? 0);

/** The header cells of `kubectl get` output. */
const header = (output: string) =>
  output
    .split('\n')[0]
    .trim()
    .split(/\s{2,}/);

describe('kubectl access, explain and tables', () => {
  let started: KubectlCluster;

  beforeAll(async () => {
    started = await startKubectlCluster('ossm2', {
      users: [
        { token: 'viewer-token', username: 'viewer', rules: READ_ONLY_RULES },
        {
          token: 'bookinfo-editor-token',
          username: 'bookinfo-editor',
          rules: [
            {
              verbs: ['get', 'list', 'watch', 'patch', 'update'],
              namespaces: ['bookinfo'],
            },
          ],
        },
      ],
    });
  }, 60_000);

  afterAll(() => started?.close());

  describe.each(CLIENTS)('$label', (client: KubectlClient) => {
    const { kubectl, ok } = kubectlCommands(client, () => started.kubeconfig);
    const as = (context: string, ...args: string[]) =>
      kubectl('--context', context, ...args);

    /** `kubectl auth can-i` as a context: its answer and exit code. */
    const canI = async (context: string, question: string) => {
      const result = await as(context, 'auth', 'can-i', ...question.split(' '));
      return `${result.stdout.trim()} (${result.code})`;
    };

    describe('auth', () => {
      it('answers yes to everything for the admin token', async () => {
        const admin = `demo-ossm2`;
        expect(await canI(admin, 'delete pods -A')).toBe('yes (0)');
        expect(await canI(admin, 'create namespaces')).toBe('yes (0)');
      });

      it('answers for the read-only token: reads yes, writes no (exit 1)', async () => {
        expect(await canI('viewer', 'list pods -n bookinfo')).toBe('yes (0)');
        expect(await canI('viewer', 'get pods/log -n bookinfo')).toBe(
          'yes (0)',
        );
        expect(
          await canI(
            'viewer',
            'patch servicemeshmemberrolls.maistra.io -n istio-system',
          ),
        ).toBe('no (1)');
      });

      it('answers for non-resource paths: discovery and health for everyone', async () => {
        expect(await canI('viewer', 'get /healthz')).toBe('yes (0)');
        expect(await canI('viewer', 'get /apis/apps/v1')).toBe('yes (0)');
        expect(await canI('viewer', 'post /demo-cluster/faults')).toBe(
          'no (1)',
        );
        expect(await canI('demo-ossm2', 'post /demo-cluster/faults')).toBe(
          'yes (0)',
        );
      });

      it('answers for a token limited to one namespace', async () => {
        const editor = 'bookinfo-editor';
        expect(await canI(editor, 'patch deployments -n bookinfo')).toBe(
          'yes (0)',
        );
        expect(await canI(editor, 'patch deployments -n orders')).toBe(
          'no (1)',
        );
        expect(await canI(editor, 'list namespaces')).toBe('no (1)');
      });

      it('answers for another user when the admin impersonates it (--as)', async () => {
        const admin = `demo-ossm2`;
        expect(await canI(admin, 'list pods -n bookinfo --as viewer')).toBe(
          'yes (0)',
        );
        expect(await canI(admin, 'delete pods -n bookinfo --as viewer')).toBe(
          'no (1)',
        );
        const refused = await as('viewer', 'get', 'pods', '--as', 'demo-admin');
        expect(refused.stderr).toContain(
          'users "demo-admin" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
        );
      });

      it('lists the rules of a namespace (auth can-i --list)', async () => {
        const result = await as(
          'bookinfo-editor',
          'auth',
          'can-i',
          '--list',
          '-n',
          'bookinfo',
        );
        expect(result).toMatchObject({ code: 0 });
        expect(result.stdout).toMatch(
          /\*\.\*\s+\[\]\s+\[\]\s+\[get list watch patch update\]/,
        );
        const elsewhere = await as(
          'bookinfo-editor',
          'auth',
          'can-i',
          '--list',
          '-n',
          'orders',
        );
        expect(elsewhere.stdout).not.toMatch(/patch/);
      });

      it('refuses writes beyond the token’s rights with the apiserver’s 403', async () => {
        const label = await as(
          'viewer',
          'label',
          'namespace',
          'bookinfo',
          'team=nobody',
        );
        expect(label.code).not.toBe(0);
        expect(label.stderr).toContain(
          'namespaces "bookinfo" is forbidden: User "viewer" cannot patch resource "namespaces" in API group "" at the cluster scope',
        );
        const scale = await as(
          'viewer',
          'scale',
          'deployment',
          'productpage-v1',
          '-n',
          'bookinfo',
          '--replicas=2',
        );
        expect(scale.stderr).toMatch(
          /deployments.apps "productpage-v1" is forbidden: User "viewer" cannot (patch|update) resource "deployments\/scale" in API group "apps" in the namespace "bookinfo"/,
        );
        const create = await as(
          'bookinfo-editor',
          'create',
          'configmap',
          'notes',
          '-n',
          'bookinfo',
        );
        expect(create.stderr).toContain(
          'configmaps is forbidden: User "bookinfo-editor" cannot create resource "configmaps" in API group "" in the namespace "bookinfo"',
        );
        const elsewhere = await as(
          'bookinfo-editor',
          'get',
          'deployment',
          'orders',
          '-n',
          'orders',
        );
        expect(elsewhere.stderr).toContain(
          'Error from server (Forbidden): deployments.apps "orders" is forbidden: User "bookinfo-editor" cannot get resource "deployments" in API group "apps" in the namespace "orders"',
        );
        expect(
          started.cluster.api.get(
            { group: '', plural: 'namespaces' },
            undefined,
            'bookinfo',
          )?.metadata.labels?.team,
        ).toBeUndefined();
        // Reads still work for both.
        expect((await as('viewer', 'get', 'ns', 'bookinfo')).code).toBe(0);
        expect(
          (await as('bookinfo-editor', 'get', 'pods', '-n', 'bookinfo')).code,
        ).toBe(0);
      });

      if (minor(client) >= 27) {
        it('tells who a token is (auth whoami)', async () => {
          const viewer = await as('viewer', 'auth', 'whoami', '-o', 'json');
          expect(viewer).toMatchObject({ code: 0 });
          expect(JSON.parse(viewer.stdout).status.userInfo).toMatchObject({
            username: 'viewer',
            groups: ['system:authenticated'],
          });
        });
      }
    });

    // kubectl before 1.27 explains from OpenAPI v2, which has definitions
    // for custom resource kinds only (see the README).
    if (minor(client) < 27) {
      it('explains the mesh CRDs from OpenAPI v2 before kubectl 1.27', async () => {
        const egress = await ok('explain', 'sidecars.spec.egress');
        expect(egress).toMatch(/KIND:\s+Sidecar/);
        expect(egress).toMatch(/RESOURCE: egress <\[\]Object>/);
        expect(egress).toMatch(/hosts\s+<\[\]string>/);
        const members = await ok('explain', 'servicemeshmemberrolls.spec');
        expect(members).toMatch(/VERSION:\s+maistra.io\/v1/);
        expect(members).toMatch(/members\s+<\[\]string>/);
        expect(members).toMatch(/memberSelectors\s+<\[\]Object>/);
      });

      it('cannot explain built-in kinds before kubectl 1.27', async () => {
        const result = await kubectl('explain', 'pods.spec');
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain(
          'error: couldn\'t find resource for "/v1, Kind=Pod"',
        );
      });
    } else {
      describe('explain', () => {
        it('explains pods.spec from the built-in schemas', async () => {
          const result = await kubectl('explain', 'pods.spec');
          expect(result).toMatchObject({ code: 0 });
          expect(result.stdout).toMatch(/KIND:\s+Pod/);
          expect(result.stdout).toMatch(/FIELD: spec <PodSpec>/);
          expect(result.stdout).toMatch(
            /containers\s+<\[\]Container> -required-/,
          );
          const containers = await ok(
            'explain',
            'deployments.spec.template.spec.containers.name',
          );
          expect(containers).toMatch(/GROUP:\s+apps/);
          expect(containers).toMatch(/FIELD: name <string>/);
        });

        it('explains the webhook selectors injection depends on', async () => {
          const selector = await ok(
            'explain',
            'mutatingwebhookconfigurations.webhooks.namespaceSelector',
          );
          expect(selector).toMatch(/GROUP:\s+admissionregistration.k8s.io/);
          expect(selector).toMatch(/FIELD: namespaceSelector <LabelSelector>/);
          expect(selector).toMatch(/matchLabels\s+<map\[string\]string>/);
          expect(await ok('explain', 'statefulsets.spec')).toMatch(
            /serviceName\s+<string>/,
          );
        });

        it('explains the mesh CRDs from their real schemas', async () => {
          const egress = await ok('explain', 'sidecars.spec.egress');
          expect(egress).toMatch(/GROUP:\s+networking.istio.io/);
          expect(egress).toMatch(/FIELD: egress <\[\]Object>/);
          expect(egress).toMatch(/hosts\s+<\[\]string> -required-/);
          const members = await ok('explain', 'servicemeshmemberrolls.spec');
          expect(members).toMatch(/GROUP:\s+maistra.io/);
          expect(members).toMatch(/members\s+<\[\]string>/);
          expect(members).toMatch(/memberSelectors\s+<\[\]Object>/);
        });

        it('says which field does not exist', async () => {
          const result = await kubectl('explain', 'pods.spec.nope');
          expect(result.code).not.toBe(0);
          expect(result.stderr).toContain('field "nope" does not exist');
        });
      });
    }

    describe('client-side validation (--validate=true)', () => {
      const manifest = async (name: string, yaml: string) => {
        const file = join(started.dir, `${name}-${minor(client)}.yaml`);
        await fs.writeFile(file, yaml);
        return file;
      };
      /** `kubectl create --validate=true --dry-run=server -f file`. */
      const validatedCreate = (file: string) =>
        kubectl('create', '--validate=true', '--dry-run=server', '-f', file);

      it('accepts built-in fields the abbreviated schemas leave out', async () => {
        const pod = await manifest(
          'pod',
          `apiVersion: v1
kind: Pod
metadata: {name: validated, namespace: bookinfo, finalizers: [demo/x]}
spec:
  securityContext: {runAsNonRoot: true, fsGroup: 2000}
  tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]
  volumes: [{name: cache, emptyDir: {}}]
  containers:
  - name: app
    image: nginx
    resources: {limits: {cpu: 500m}}
    securityContext: {readOnlyRootFilesystem: true}
`,
        );
        const deployment = await manifest(
          'deployment',
          `apiVersion: apps/v1
kind: Deployment
metadata: {name: validated, namespace: bookinfo}
spec:
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
  revisionHistoryLimit: 3
  selector: {matchLabels: {app: validated}}
  template:
    metadata: {labels: {app: validated}}
    spec:
      containers: [{name: app, image: nginx, readinessProbe: {httpGet: {path: /, port: 80}}}]
`,
        );
        for (const file of [pod, deployment]) {
          expect((await validatedCreate(file)).stdout).toContain(
            'created (server dry run)',
          );
        }
      });

      it('checks custom resources against their CRD schema, as a real cluster does', async () => {
        const sidecar = (extra: string) =>
          `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: validated, namespace: bookinfo, labels: {a: b}, finalizers: [demo/x]}
spec:
  ${extra}egress: [{hosts: ["./*"], port: {number: 80, name: http, protocol: HTTP}}]
`;
        const valid = await manifest('sidecar', sidecar(''));
        expect((await validatedCreate(valid)).stdout).toContain(
          'created (server dry run)',
        );
        const invalid = await manifest(
          'sidecar-bogus',
          sidecar('bogus: 1\n  '),
        );
        const rejected = await validatedCreate(invalid);
        expect(rejected.code).not.toBe(0);
        expect(rejected.stderr).toContain(
          'unknown field "bogus" in io.istio.networking.v1.Sidecar.spec',
        );
      });
    });

    describe('tables', () => {
      it('prints WEBHOOKS for mutating webhook configurations', async () => {
        const output = await ok(
          'get',
          'mutatingwebhookconfigurations',
          '-o',
          'wide',
        );
        expect(header(output)).toEqual(['NAME', 'WEBHOOKS', 'AGE']);
        const rows = output.trim().split('\n').slice(1);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(row.split(/\s+/)[1]).toMatch(/^\d+$/);
      });

      it('prints the workload columns, and the wide ones with -o wide', async () => {
        expect(
          header(await ok('get', 'deployments', '-n', 'bookinfo')),
        ).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
        expect(
          header(
            await ok('get', 'deployments', '-n', 'bookinfo', '-o', 'wide'),
          ),
        ).toEqual([
          'NAME',
          'READY',
          'UP-TO-DATE',
          'AVAILABLE',
          'AGE',
          'CONTAINERS',
          'IMAGES',
          'SELECTOR',
        ]);
        const pods = await ok('get', 'pods', '-n', 'bookinfo', '-o', 'wide');
        expect(header(pods)).toEqual([
          'NAME',
          'READY',
          'STATUS',
          'RESTARTS',
          'AGE',
          'IP',
          'NODE',
          'NOMINATED NODE',
          'READINESS GATES',
        ]);
        await ok(
          'create',
          'secret',
          'generic',
          `columns-${minor(client)}`,
          '-n',
          'bookinfo',
          '--from-literal=a=1',
          '--from-literal=b=2',
        );
        const secrets = await ok('get', 'secrets', '-A');
        expect(secrets).toMatch(
          new RegExp(`bookinfo\\s+columns-${minor(client)}\\s+Opaque\\s+2\\s`),
        );
        expect(header(secrets)).toEqual([
          'NAMESPACE',
          'NAME',
          'TYPE',
          'DATA',
          'AGE',
        ]);
      });

      it('prints a CRD’s additionalPrinterColumns, priority ones only with -o wide', async () => {
        const smmr = await ok('get', 'smmr', '-n', 'istio-system');
        expect(header(smmr)).toEqual(['NAME', 'READY', 'STATUS', 'AGE']);
        const wide = await ok(
          'get',
          'smmr',
          '-n',
          'istio-system',
          '-o',
          'wide',
        );
        expect(header(wide)).toEqual([
          'NAME',
          'READY',
          'STATUS',
          'AGE',
          'MEMBERS',
        ]);
        expect(wide.split('\n')[1]).toMatch(/\[.*bookinfo.*\]/);
      });
    });
  });
});
