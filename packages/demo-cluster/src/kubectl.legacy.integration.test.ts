/*
 * Acceptance: kubectl against the pre-istiod scenarios `istio-1.0` and
 * `maistra-0.9`: the control plane's Deployments and webhook, the Maistra
 * Installation and its Completed Job, and the two faults (the injector
 * scaled to 0 stalls a restart with the webhook's error; the webhook deleted
 * lets pods start without sidecars). Each kubectl build reads; the newest one
 * drives the faults.
 */
import {
  KubectlCluster,
  kubectlClients,
  kubectlCommands,
  startKubectlCluster,
} from './__testUtils__/kubectl';

const CLIENTS = kubectlClients();

jest.setTimeout(60_000);

interface LegacyCase {
  name: string;
  /** A namespace the webhook selects, and one of its injected Deployments. */
  namespace: string;
  deployment: string;
  proxyImage: string;
}

const CASES: LegacyCase[] = [
  {
    name: 'istio-1.0',
    namespace: 'bookinfo',
    deployment: 'ratings-v1',
    proxyImage: 'docker.io/istio/proxyv2:1.0.6',
  },
  {
    name: 'maistra-0.9',
    namespace: 'httpbin',
    deployment: 'httpbin',
    proxyImage:
      'registry.access.redhat.com/openshift-istio-tech-preview/proxyv2:0.9.0',
  },
];

const CONTROL_PLANE = [
  'istio-citadel',
  'istio-galley',
  'istio-pilot',
  'istio-policy',
  'istio-sidecar-injector',
  'istio-telemetry',
];

const CONTAINERS = '{range .items[*]}{.spec.containers[*].image}{"\\n"}{end}';

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
  beforeAll(async () => {
    started = await startKubectlCluster(scenario.name);
  }, 60_000);
  afterAll(() => started?.close());

  describe.each(CLIENTS)('$label', client => {
    const { ok, json } = kubectlCommands(client, () => started.kubeconfig);

    it('gets the control plane Deployments, all ready', async () => {
      const table = await ok('get', 'deploy', '-n', 'istio-system');
      expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
      for (const name of CONTROL_PLANE) {
        expect(table).toMatch(new RegExp(`^${name}\\s+1/1\\s+1\\s+1\\s`, 'm'));
      }
      expect(table).not.toMatch(/^istiod/m);
    });

    it('gets the injector webhook, without revision labels', async () => {
      expect(await ok('get', 'mutatingwebhookconfigurations')).toMatch(
        /^istio-sidecar-injector\s+1\s/m,
      );
      const webhook = await json(
        'get',
        'mutatingwebhookconfiguration',
        'istio-sidecar-injector',
      );
      expect(webhook.metadata.labels['istio.io/rev']).toBeUndefined();
      expect(webhook.webhooks.map((w: { name: string }) => w.name)).toEqual([
        'sidecar-injector.istio.io',
      ]);
      expect(webhook.webhooks[0].failurePolicy).toBe('Fail');
    });

    it('gets the injected pods with the proxy image of the release', async () => {
      const images = await ok(
        'get',
        'pods',
        '-n',
        scenario.namespace,
        '-o',
        `jsonpath=${CONTAINERS}`,
      );
      const lines = images.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.split(' ')).toContain(scenario.proxyImage);
      }
    });

    if (scenario.name === 'maistra-0.9') {
      it('gets the Installation and its Completed installer Job', async () => {
        const installation = await json(
          'get',
          'installations.istio.openshift.com',
          'istio-installation',
          '-n',
          'istio-operator',
        );
        expect(installation.status.state).toBe('Successful Installation');
        const job = await json(
          'get',
          'job',
          'openshift-ansible-istio-installer-job',
          '-n',
          'istio-operator',
        );
        expect(job.status.succeeded).toBe(1);
        expect(
          job.status.conditions.find(
            (c: { type: string }) => c.type === 'Complete',
          )?.status,
        ).toBe('True');
        expect(
          await ok(
            'get',
            'pods',
            '-n',
            'istio-operator',
            '-l',
            'job-name=openshift-ansible-istio-installer-job',
          ),
        ).toMatch(/\s0\/1\s+Completed\s/);
      });
    }
  });

  describe('faults, with the newest kubectl', () => {
    const client = CLIENTS[CLIENTS.length - 1];
    const { kubectl, ok } = kubectlCommands(client, () => started.kubeconfig);
    const images = async () =>
      (
        await ok(
          'get',
          'pods',
          '-n',
          scenario.namespace,
          '-l',
          `app=${scenario.deployment.replace(/-v\d+$/, '')}`,
          '-o',
          `jsonpath=${CONTAINERS}`,
        )
      )
        .split('\n')
        .filter(Boolean);

    it('stalls a restart while the injector is scaled to 0, with the webhook error on the ReplicaSet, and finishes once it is back', async () => {
      await ok(
        'scale',
        'deploy',
        'istio-sidecar-injector',
        '-n',
        'istio-system',
        '--replicas=0',
      );
      await poll(
        async () =>
          (
            await ok(
              'get',
              'pods',
              '-n',
              'istio-system',
              '-l',
              'istio=sidecar-injector',
              '-o',
              'name',
            )
          ).trim() === '',
        'the injector pods to go',
      );
      await ok(
        'rollout',
        'restart',
        `deployment/${scenario.deployment}`,
        '-n',
        scenario.namespace,
      );
      const stalled = await kubectl(
        'rollout',
        'status',
        `deployment/${scenario.deployment}`,
        '-n',
        scenario.namespace,
        '--timeout=2s',
      );
      expect(stalled.code).not.toBe(0);
      const events = await poll(async () => {
        const out = await ok(
          'get',
          'events',
          '-n',
          scenario.namespace,
          '--field-selector',
          'reason=FailedCreate',
          '-o',
          'jsonpath={range .items[*]}{.involvedObject.kind}{"\\t"}{.message}{"\\n"}{end}',
        );
        return out.trim() && out;
      }, 'a FailedCreate event');
      expect(events).toMatch(
        /^ReplicaSet\tError creating: Internal error occurred: failed calling admission webhook "sidecar-injector\.istio\.io": Post https:\/\/istio-sidecar-injector\.istio-system\.svc:443\/inject\?timeout=30s: dial tcp [\d.]+:443: connect: connection refused$/m,
      );

      await ok(
        'scale',
        'deploy',
        'istio-sidecar-injector',
        '-n',
        'istio-system',
        '--replicas=1',
      );
      expect(
        await ok(
          'rollout',
          'status',
          `deployment/${scenario.deployment}`,
          '-n',
          scenario.namespace,
          '--timeout=40s',
        ),
      ).toContain('successfully rolled out');
      for (const line of await images()) {
        expect(line.split(' ')).toContain(scenario.proxyImage);
      }
    });

    it('starts pods without sidecars once the webhook configuration is deleted', async () => {
      expect(
        await ok(
          'delete',
          'mutatingwebhookconfiguration',
          'istio-sidecar-injector',
        ),
      ).toContain('deleted');
      // `rollout restart` stamps whole seconds; the previous one may share this one.
      await new Promise(resolve => setTimeout(resolve, 1100));
      await ok(
        'rollout',
        'restart',
        `deployment/${scenario.deployment}`,
        '-n',
        scenario.namespace,
      );
      await ok(
        'rollout',
        'status',
        `deployment/${scenario.deployment}`,
        '-n',
        scenario.namespace,
        '--timeout=40s',
      );
      const lines = await poll(async () => {
        const current = await images();
        return current.length === 1 && current;
      }, 'the old pod to go');
      expect(lines[0].split(' ')).not.toContain(scenario.proxyImage);
    });
  });
});
