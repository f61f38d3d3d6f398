import { istioScenario } from '../__fixtures__';
import {
  memberPending,
  namespaceNotInjected,
  outsideDiscoverySelectors,
} from './membership';
import { servedNamespace, withOssm2 } from './testUtils';

describe('memberPending (SM-MEMBER-PENDING)', () => {
  it('says the OSSM 2 operator has not configured the namespace yet', () => {
    const { snapshot } = istioScenario({});
    expect(
      memberPending.detect(servedNamespace(withOssm2(snapshot, 'pending'))),
    ).toEqual([
      {
        message:
          'The namespace was added to control plane istio-system but the operator has not configured it yet; injection starts once it has.',
      },
    ]);
  });

  it('is quiet once the namespace is configured', () => {
    const { snapshot } = istioScenario({});
    expect(
      memberPending.detect(servedNamespace(withOssm2(snapshot, 'configured'))),
    ).toEqual([]);
  });
});

describe('namespaceNotInjected (IST0102)', () => {
  it('offers to enrol a namespace without injection', () => {
    const { snapshot } = istioScenario({});
    snapshot.pods = [];
    expect(namespaceNotInjected.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'The namespace is not enabled for sidecar injection, so its workloads are outside the mesh.',
        fix: {
          action: 'enroll',
          title: 'Enroll in mesh',
          request: { cluster: 'dev', namespace: 'demo' },
        },
      },
    ]);
  });

  it('names the OSSM 2 control plane a non-member could join', () => {
    const { snapshot } = istioScenario({});
    const [finding] = namespaceNotInjected.detect(
      servedNamespace(withOssm2(snapshot, 'none')),
    );
    expect(finding.message).toBe(
      'The namespace is not a member of control plane istio-system, so its workloads are outside the mesh.',
    );
  });

  it('is quiet for injected, member and pending namespaces', () => {
    expect(
      namespaceNotInjected.detect(servedNamespace(istioScenario().snapshot)),
    ).toEqual([]);
    for (const demo of ['pending', 'configured'] as const) {
      const { snapshot } = istioScenario({});
      expect(
        namespaceNotInjected.detect(servedNamespace(withOssm2(snapshot, demo))),
      ).toEqual([]);
    }
  });
});

describe('namespaceNotInjected follows istioctl analyze (IST0102)', () => {
  // istio.io/docs/reference/config/analysis/ist0102 and the injection
  // analyzer: only a namespace missing both istio-injection and istio.io/rev
  // is reported; any value of either label is a deliberate setting.
  const verdict = (labels: Record<string, string>, name = 'demo') => {
    const { snapshot } = istioScenario(labels);
    if (name !== 'demo') {
      snapshot.namespaces.push({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });
    }
    return namespaceNotInjected
      .detect(servedNamespace(snapshot, name))
      .map(f => f.message);
  };

  it('reports a namespace with no injection label at all', () => {
    expect(verdict({})).toHaveLength(1);
  });

  it('does not report istio-injection=disabled: the namespace opted out', () => {
    expect(verdict({ 'istio-injection': 'disabled' })).toEqual([]);
  });

  it('does not report other values of istio-injection either', () => {
    expect(verdict({ 'istio-injection': 'off' })).toEqual([]);
  });

  it('does not report a namespace with istio.io/rev, known or not', () => {
    expect(verdict({ 'istio.io/rev': 'canary' })).toEqual([]);
    expect(verdict({ 'istio.io/rev': 'no-such-revision' })).toEqual([]);
  });

  it('reports a label-less namespace even when a pod opts in by itself', () => {
    const { snapshot, httpbin } = istioScenario({});
    httpbin.spec.template.metadata!.labels!['istio.io/rev'] = 'canary';
    expect(namespaceNotInjected.detect(servedNamespace(snapshot))).toHaveLength(
      1,
    );
  });

  it('skips the control plane and Kubernetes system namespaces', () => {
    expect(verdict({}, 'kube-public')).toEqual([]);
    const { snapshot } = istioScenario({});
    expect(
      namespaceNotInjected.detect(servedNamespace(snapshot, 'istio-system')),
    ).toEqual([]);
  });

  it('on OSSM 2 reports a non-member whatever its injection labels', () => {
    // Maistra ignores istio-injection: membership is the setting.
    const { snapshot } = istioScenario({ 'istio-injection': 'disabled' });
    expect(
      namespaceNotInjected.detect(servedNamespace(withOssm2(snapshot, 'none'))),
    ).toHaveLength(1);
  });
});

describe('outsideDiscoverySelectors (SM-OUTSIDE-DISCOVERY)', () => {
  function withDiscoverySelector(demoLabels: Record<string, string>) {
    const { snapshot } = istioScenario(demoLabels);
    snapshot.configMaps = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'istio', namespace: 'istio-system' },
        data: { mesh: 'discoverySelectors:\n- matchLabels:\n    mesh: on\n' },
      },
    ];
    return snapshot;
  }

  it('offers the discovery label to an injected namespace istiod ignores', () => {
    const snapshot = withDiscoverySelector({ 'istio-injection': 'enabled' });
    expect(outsideDiscoverySelectors.detect(servedNamespace(snapshot))).toEqual(
      [
        {
          message:
            "Pods here get sidecars, but the mesh's discoverySelectors do not include the namespace, so istiod ignores its services and endpoints.",
          fix: {
            action: 'enroll',
            title: 'Enroll in mesh',
            request: { cluster: 'dev', namespace: 'demo' },
          },
        },
      ],
    );
  });

  it('is quiet when the selectors include the namespace', () => {
    const snapshot = withDiscoverySelector({
      'istio-injection': 'enabled',
      mesh: 'on',
    });
    expect(outsideDiscoverySelectors.detect(servedNamespace(snapshot))).toEqual(
      [],
    );
  });
});
