import { analyzeNamespace } from './analysis';
import { istioScenario, podOf } from './__fixtures__';
import type { Pod } from './kube';
import { buildMeshContext } from './mesh';
import { deriveNamespaceStatus } from './status';
import { podMissingProxy } from './warnings/runningProxies';
import { servedNamespace } from './warnings/testUtils';

/*
 * Pods without a Deployment, StatefulSet or DaemonSet over them, judged as
 * Istio's injection analyzer judges every pod (IST0103 PodMissingProxy,
 * pkg/config/analysis/analyzers/injection): in a namespace enabled for
 * injection, a pod without an istio-proxy container (regular or native
 * sidecar) is reported unless it opts out with sidecar.istio.io/inject=false
 * or uses the host network. Completed pods have no proxy to run and their
 * Job's next pods get one, so they are not counted (nothing to act on).
 */

function barePod(
  name: string,
  extra: {
    owner?: { kind: string; name: string };
    labels?: Record<string, string>;
    hostNetwork?: boolean;
    phase?: string;
  } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'demo',
      labels: { app: name, ...extra.labels },
      ownerReferences: extra.owner && [{ ...extra.owner, controller: true }],
    },
    spec: {
      containers: [{ name: 'main', image: 'busybox' }],
      hostNetwork: extra.hostNetwork,
    },
    status: { phase: extra.phase ?? 'Running' },
  };
}

function snapshotWith(pods: Pod[], labels?: Record<string, string>) {
  const { snapshot } = istioScenario(labels);
  snapshot.pods.push(...pods);
  return snapshot;
}

const ist0103 = (pods: Pod[], labels?: Record<string, string>) =>
  podMissingProxy.detect(servedNamespace(snapshotWith(pods, labels)));

describe('pods without a Deployment, StatefulSet or DaemonSet', () => {
  it('lists bare pods, Job pods and bare ReplicaSets as workloads', () => {
    const status = deriveNamespaceStatus(
      buildMeshContext(
        snapshotWith([
          barePod('debug'),
          barePod('migrate-x1', { owner: { kind: 'Job', name: 'migrate' } }),
          barePod('migrate-x2', { owner: { kind: 'Job', name: 'migrate' } }),
          barePod('legacy-abc', {
            owner: { kind: 'ReplicaSet', name: 'legacy' },
          }),
        ]),
      ),
      'demo',
    );
    const listed = status.workloads
      .filter(w => !['Deployment'].includes(w.kind))
      .map(w => [w.kind, w.name, w.pods, w.restartNeeded]);
    expect(listed).toEqual([
      ['Pod', 'debug', 1, false],
      ['ReplicaSet', 'legacy', 1, false],
      ['Job', 'migrate', 2, false],
    ]);
  });

  it('reports IST0103 for each, without a restart a rollout cannot do', () => {
    const findings = ist0103([
      barePod('debug'),
      barePod('migrate-x1', { owner: { kind: 'Job', name: 'migrate' } }),
      barePod('legacy-abc', { owner: { kind: 'ReplicaSet', name: 'legacy' } }),
    ]);
    expect(findings).toEqual([
      {
        workload: { kind: 'Pod', name: 'debug' },
        message:
          'Pod debug runs without the Istio proxy although a new pod would get one; it has no controller, so only recreating it adds the proxy.',
      },
      {
        workload: { kind: 'ReplicaSet', name: 'legacy' },
        message:
          '1 pod of ReplicaSet legacy run without the Istio proxy although new pods get one; deleted pods come back with it.',
      },
      {
        workload: { kind: 'Job', name: 'migrate' },
        message:
          "1 pod of Job migrate run without the Istio proxy although new pods get one; the job's next pods get it.",
      },
    ]);
  });

  it('does not report a pod that opts out with sidecar.istio.io/inject=false', () => {
    expect(
      ist0103([
        barePod('debug', { labels: { 'sidecar.istio.io/inject': 'false' } }),
      ]),
    ).toEqual([]);
  });

  it('does not report host-network pods', () => {
    expect(ist0103([barePod('node-agent', { hostNetwork: true })])).toEqual([]);
  });

  it('does not report pods in a namespace not enabled for injection', () => {
    expect(ist0103([barePod('debug')], {})).toEqual([]);
    expect(
      ist0103([barePod('debug')], { 'istio-injection': 'disabled' }),
    ).toEqual([]);
  });

  it('does not count or list completed Job pods', () => {
    const snapshot = snapshotWith([
      barePod('migrate-x1', {
        owner: { kind: 'Job', name: 'migrate' },
        phase: 'Succeeded',
      }),
    ]);
    const analysis = analyzeNamespace(
      buildMeshContext(snapshot),
      snapshot.namespaces.find(n => n.metadata.name === 'demo')!,
    );
    expect(analysis.workloads.map(w => w.workload.kind)).not.toContain('Job');
    expect(podMissingProxy.detect(servedNamespace(snapshot))).toEqual([]);
  });

  it('keeps a pod its Deployment owns under the Deployment', () => {
    const { snapshot, httpbin } = istioScenario();
    snapshot.pods.push(podOf(httpbin, 'b'));
    const [finding] = podMissingProxy.detect(servedNamespace(snapshot));
    expect(finding.workload).toEqual({ kind: 'Deployment', name: 'httpbin' });
    expect(finding.fix?.action).toBe('restart');
  });
});
