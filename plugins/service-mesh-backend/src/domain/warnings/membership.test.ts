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
          title: 'Add to the mesh',
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
            title: 'Add the discovery label',
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
