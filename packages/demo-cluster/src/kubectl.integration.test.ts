/*
 * Acceptance: real kubectl builds, pointed at a written kubeconfig, drive the
 * ossm2, istio-revisions, sail, istio-1.0 and maistra-0.9 scenarios over
 * HTTPS (kubectl sends bearer tokens only over TLS).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  KubectlClient,
  KubectlCluster,
  kubectlClients,
  kubectlCommands,
  startKubectlCluster,
} from './__testUtils__/kubectl';

// Resolved while collecting tests: if none is found this throws and the file
// fails rather than skipping.
const CLIENTS = kubectlClients();

jest.setTimeout(60_000);

interface InjectionStep {
  what: string;
  /** Arguments after `kubectl label ns <namespace>`. */
  label: string[];
  sidecar: boolean;
  /** Polled after labelling until true, e.g. the member roll has caught up. */
  settled?: (
    namespace: Record<string, any>,
    roll?: Record<string, any>,
  ) => boolean;
}

interface ScenarioCase {
  name: string;
  /** Namespace and Deployment whose labels the test flips. */
  namespace: string;
  deployment: string;
  selector: string;
  replicas: number;
  /** For `get pods -A -l`: the selector and the namespaces expected. */
  listSelector: string;
  listNamespaces: string[];
  /** Flips the injection and then restores it, so clients can run in turn. */
  steps: [InjectionStep, InjectionStep];
}

const memberOf = (ns: Record<string, any>) =>
  ns.metadata.labels?.['maistra.io/member-of'];
const configured = (roll: Record<string, any> | undefined, ns: string) =>
  (roll?.status?.configuredMembers ?? []).includes(ns);

const CASES: ScenarioCase[] = [
  {
    name: 'ossm2',
    namespace: 'inventory',
    deployment: 'inventory',
    selector: 'app=inventory',
    replicas: 1,
    listSelector: 'app=productpage',
    listNamespaces: ['bookinfo'],
    steps: [
      {
        // Leaves the member roll's memberSelectors: no more injection.
        what: 'leaving the member roll',
        label: ['mesh.example.com/member-'],
        sidecar: false,
        settled: (ns, roll) => !memberOf(ns) && !configured(roll, 'inventory'),
      },
      {
        what: 'rejoining the member roll',
        label: ['--overwrite', 'mesh.example.com/member=istio-system'],
        sidecar: true,
        settled: (ns, roll) =>
          memberOf(ns) === 'istio-system' && configured(roll, 'inventory'),
      },
    ],
  },
  {
    name: 'istio-revisions',
    namespace: 'notifications',
    deployment: 'notifications-service',
    selector: 'app=notifications-service',
    replicas: 2,
    listSelector: 'version=v1',
    listNamespaces: [
      'catalog',
      'notifications',
      'recommendations',
      'reporting',
      'search',
    ],
    steps: [
      {
        what: 'istio-injection=enabled',
        label: ['--overwrite', 'istio-injection=enabled'],
        sidecar: true,
      },
      {
        what: 'no injection label',
        label: ['istio-injection-'],
        sidecar: false,
      },
    ],
  },
  {
    name: 'sail',
    namespace: 'analytics',
    deployment: 'analytics-jobs',
    selector: 'app=analytics-jobs',
    replicas: 2,
    listSelector: 'app=storefront-web',
    listNamespaces: ['storefront'],
    steps: [
      {
        what: 'istio.io/rev=default (the revision tag)',
        label: [
          '--overwrite',
          'istio-discovery=enabled',
          'istio.io/rev=default',
        ],
        sidecar: true,
      },
      {
        what: 'no revision label',
        label: ['istio-discovery-', 'istio.io/rev-'],
        sidecar: false,
      },
    ],
  },
  {
    name: 'istio-1.0',
    namespace: 'ledger',
    deployment: 'ledger',
    selector: 'app=ledger',
    replicas: 2,
    listSelector: 'app=productpage',
    listNamespaces: ['bookinfo'],
    steps: [
      {
        what: 'istio-injection=enabled (the 1.0 webhook)',
        label: ['--overwrite', 'istio-injection=enabled'],
        sidecar: true,
      },
      {
        what: 'no injection label',
        label: ['istio-injection-'],
        sidecar: false,
      },
    ],
  },
  {
    // Its pods are annotated; only the namespace label keeps them out.
    name: 'maistra-0.9',
    namespace: 'legacy-batch',
    deployment: 'batch-worker',
    selector: 'app=batch-worker',
    replicas: 1,
    listSelector: 'version=v1',
    listNamespaces: ['httpbin', 'legacy-batch', 'sleep'],
    steps: [
      {
        what: 'removing istio.openshift.com/ignore-namespace',
        label: ['istio.openshift.com/ignore-namespace-'],
        sidecar: true,
      },
      {
        what: 'istio.openshift.com/ignore-namespace=ignore',
        label: ['--overwrite', 'istio.openshift.com/ignore-namespace=ignore'],
        sidecar: false,
      },
    ],
  },
];

const POD_CONTAINERS =
  '{range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[*].name} {.spec.initContainers[*].name}{"\\n"}{end}';

async function poll<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe.each(CASES)('kubectl against the $name scenario', scenario => {
  let started: KubectlCluster;
  let kubeconfig: string;
  let dir: string;

  beforeAll(async () => {
    started = await startKubectlCluster(scenario.name);
    ({ kubeconfig, dir } = started);
  }, 60_000);

  afterAll(() => started?.close());

  // `rollout restart` stamps the time in whole seconds; a second restart in
  // the same second is an empty patch, which kubectl refuses. The previous
  // stamp is at the latest the second its command finished in, so the next
  // one starts in a later second.
  let lastRestartDone = 0;
  const restart = async (run: (...args: string[]) => Promise<string>) => {
    const wait =
      (Math.floor(lastRestartDone / 1000) + 1) * 1000 + 50 - Date.now();
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
    try {
      return await run(
        'rollout',
        'restart',
        `deployment/${scenario.deployment}`,
        '-n',
        scenario.namespace,
      );
    } finally {
      lastRestartDone = Date.now();
    }
  };

  describe.each(CLIENTS)('$label', (client: KubectlClient) => {
    const { kubectl, ok, json } = kubectlCommands(client, () => kubeconfig);
    const ns = scenario.namespace;
    const podContainers = async () =>
      (
        await ok(
          'get',
          'pods',
          '-n',
          ns,
          '-l',
          scenario.selector,
          '-o',
          `jsonpath=${POD_CONTAINERS}`,
        )
      )
        .split('\n')
        .filter(Boolean)
        .map(line => {
          const [name, containers] = line.split('\t');
          return { name, containers: containers.trim().split(/\s+/) };
        });

    it('gets namespaces and pods by label', async () => {
      const namespaces = await ok('get', 'ns');
      expect(namespaces).toMatch(/^NAME\s+STATUS\s+AGE\n/);
      expect(namespaces).toMatch(new RegExp(`^${ns}\\s+Active\\s`, 'm'));
      expect(namespaces).toMatch(/^istio-system\s+Active\s/m);

      const pods = (await ok('get', 'pods', '-A', '-l', scenario.listSelector))
        .trim()
        .split('\n');
      expect(pods[0]).toMatch(
        /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
      );
      const rows = pods.slice(1).map(line => line.split(/\s+/));
      expect([...new Set(rows.map(row => row[0]))].sort()).toEqual(
        scenario.listNamespaces,
      );
      for (const [, , ready, status] of rows) {
        expect(status).toBe('Running');
        expect(ready).toMatch(/^(\d+)\/\1$/);
      }
    });

    const getRoll = () =>
      kubectl('get', 'smmr', '-n', 'istio-system', '-o', 'yaml');
    if (scenario.name === 'ossm2') {
      it('gets the member roll as YAML', async () => {
        const roll = await getRoll();
        expect(roll.code).toBe(0);
        expect(roll.stdout).toMatch(/^kind: List$/m);
        expect(roll.stdout).toMatch(/^ {2}kind: ServiceMeshMemberRoll$/m);
        expect(roll.stdout).toMatch(
          /configuredMembers:\n(\s+- \S+\n)*\s+- bookinfo\n/,
        );
        expect(roll.stdout).toContain('pendingMembers:');
      });
    } else {
      it('finds no member roll type outside OSSM 2', async () => {
        const roll = await getRoll();
        expect(roll.code).not.toBe(0);
        expect(roll.stderr).toContain(
          'the server doesn\'t have a resource type "smmr"',
        );
      });
    }

    it('labels a namespace with --overwrite', async () => {
      const key = 'demo.example.com/checked-by';
      await ok('label', 'ns', ns, `${key}=first`, '--overwrite');
      expect(
        await ok(
          'label',
          'ns',
          ns,
          '--overwrite',
          `${key}=${client.gitVersion}`,
        ),
      ).toContain(`namespace/${ns} labeled`);
      expect((await json('get', 'ns', ns)).metadata.labels[key]).toBe(
        client.gitVersion,
      );
      // Without --overwrite, changing an existing label is refused.
      expect((await kubectl('label', 'ns', ns, `${key}=other`)).code).not.toBe(
        0,
      );
      await ok('label', 'ns', ns, `${key}-`);
    });

    it('applies a Sidecar and patches it with --type=json', async () => {
      const name = `egress-${client.gitVersion
        .replace(/[^a-z0-9]/gi, '-')
        .toLowerCase()}`;
      const file = join(dir, `${name}.yaml`);
      const manifest = (hosts: string[]) =>
        [
          'apiVersion: networking.istio.io/v1',
          'kind: Sidecar',
          'metadata:',
          `  name: ${name}`,
          `  namespace: ${ns}`,
          'spec:',
          '  egress:',
          '  - hosts:',
          ...hosts.map(host => `    - "${host}"`),
          '',
        ].join('\n');

      await fs.writeFile(file, manifest(['./*']));
      expect(await ok('apply', '-f', file)).toContain(
        `sidecar.networking.istio.io/${name} created`,
      );
      await fs.writeFile(file, manifest(['./*', 'istio-system/*']));
      expect(await ok('apply', '-f', file)).toContain(
        `sidecar.networking.istio.io/${name} configured`,
      );
      expect(await ok('apply', '-f', file)).toContain(
        `sidecar.networking.istio.io/${name} unchanged`,
      );

      expect(
        await ok(
          'patch',
          'sidecar',
          name,
          '-n',
          ns,
          '--type=json',
          '-p',
          '[{"op":"test","path":"/spec/egress/0/hosts/1","value":"istio-system/*"},' +
            '{"op":"add","path":"/spec/egress/0/hosts/-","value":"kube-system/*"}]',
        ),
      ).toContain(`sidecar.networking.istio.io/${name} patched`);
      const patched = await json('get', 'sidecar', name, '-n', ns);
      expect(patched.spec.egress[0].hosts).toEqual([
        './*',
        'istio-system/*',
        'kube-system/*',
      ]);

      // A failed `test` op refuses the whole patch and changes nothing.
      const refused = await kubectl(
        'patch',
        'sidecar',
        name,
        '-n',
        ns,
        '--type=json',
        '-p',
        '[{"op":"test","path":"/spec/egress/0/hosts/0","value":"elsewhere/*"},' +
          '{"op":"remove","path":"/spec/egress"}]',
      );
      expect(refused.code).not.toBe(0);
      // kubectl 1.20 prints only the reason of the 422.
      expect(refused.stderr).toMatch(/testing value|The request is invalid/);
      const after = await json('get', 'sidecar', name, '-n', ns);
      expect(after.metadata.resourceVersion).toBe(
        patched.metadata.resourceVersion,
      );
      expect(after.spec).toEqual(patched.spec);

      await ok('delete', '-f', file);
    });

    it.each(scenario.steps.map((step, index) => ({ ...step, index })))(
      'restarts the deployment after $what and the pods come back with sidecar=$sidecar',
      async step => {
        await ok('label', 'ns', ns, ...step.label);
        if (step.settled) {
          await poll(
            async () =>
              step.settled!(
                await json('get', 'ns', ns),
                await json('get', 'smmr', 'default', '-n', 'istio-system'),
              ),
            `${step.what} to settle`,
          );
        }
        const before = new Set((await podContainers()).map(pod => pod.name));
        expect(before.size).toBe(scenario.replicas);

        expect(await restart(ok)).toContain(
          `deployment.apps/${scenario.deployment} restarted`,
        );
        expect(
          await ok(
            'rollout',
            'status',
            `deployment/${scenario.deployment}`,
            '-n',
            ns,
            '--timeout=30s',
          ),
        ).toContain('successfully rolled out');

        const pods = await poll(async () => {
          const current = await podContainers();
          return (
            current.length === scenario.replicas &&
            current.every(pod => !before.has(pod.name)) &&
            current
          );
        }, 'the restarted pods');
        const injected = (pod: { containers: string[] }) =>
          pod.containers.includes('istio-proxy');
        expect(
          Object.fromEntries(pods.map(pod => [pod.name, injected(pod)])),
        ).toEqual(
          Object.fromEntries(pods.map(pod => [pod.name, step.sidecar])),
        );
      },
    );

    it('sees a restart through get pods -w', async () => {
      const before = (await podContainers()).map(pod => pod.name);
      const watch = spawn(
        client.path,
        [
          '--kubeconfig',
          kubeconfig,
          '--cache-dir',
          join(dir, 'kubectl-cache'),
          'get',
          'pods',
          '-n',
          ns,
          '-l',
          scenario.selector,
          '-w',
        ],
        // A safety net: the test kills it as soon as it has seen enough.
        { timeout: 45_000 },
      );
      let output = '';
      watch.stdout.on('data', chunk => {
        output += chunk;
      });
      watch.stderr.on('data', chunk => {
        output += chunk;
      });
      try {
        const names = () =>
          output
            .split('\n')
            .slice(1)
            .map(line => line.split(/\s+/)[0])
            .filter(Boolean);
        await poll(
          async () => before.every(name => names().includes(name)),
          'the watch to list the current pods',
          15_000,
        );
        await restart(ok);
        // New pods appear, and each old pod shows up again as it goes.
        const fresh = await poll(
          async () => {
            const seen = new Set(
              names().filter(name => !before.includes(name)),
            );
            const replaced = before.every(
              name => names().filter(line => line === name).length > 1,
            );
            return seen.size >= scenario.replicas && replaced && seen;
          },
          'the watch to show the new pods and the old ones going',
          30_000,
        );
        expect(output.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS/);
        expect(fresh.size).toBeGreaterThanOrEqual(scenario.replicas);
      } finally {
        watch.kill();
      }
    });
  });
});
