import {
  injectorWebhookConfiguration,
  istioScenario,
  podOf,
} from '../__fixtures__';
import {
  oldRevision,
  podMissingProxy,
  proxyImageMismatch,
  unwantedSidecar,
} from './runningProxies';
import { servedNamespace } from './testUtils';

const restartOf = (...names: string[]) => ({
  cluster: 'dev',
  namespace: 'demo',
  workloads: names.map(name => ({ kind: 'Deployment', name })),
});

describe('podMissingProxy (IST0103)', () => {
  it('offers a restart for pods that predate injection', () => {
    const { snapshot, httpbin } = istioScenario();
    snapshot.pods.push(podOf(httpbin, 'b'), podOf(httpbin, 'c'));
    expect(podMissingProxy.detect(servedNamespace(snapshot))).toEqual([
      {
        workload: { kind: 'Deployment', name: 'httpbin' },
        message:
          '2 pods of httpbin run without the Istio proxy although new pods get one; they predate the injection change.',
        fix: {
          action: 'restart',
          title: 'Restart httpbin',
          request: restartOf('httpbin'),
        },
      },
    ]);
  });

  it('is quiet when new pods get no proxy either', () => {
    const { snapshot, httpbin } = istioScenario({});
    snapshot.pods = [podOf(httpbin, 'b')];
    expect(podMissingProxy.detect(servedNamespace(snapshot))).toEqual([]);
  });
});

describe('oldRevision (SM-OLD-REVISION)', () => {
  it('offers a restart per workload after a revision switch', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'prod-stable' });
    const findings = oldRevision.detect(servedNamespace(snapshot));
    expect(findings.map(f => f.workload?.name)).toEqual([
      'helloworld-v1',
      'helloworld-v2',
      'httpbin',
      'sleep',
    ]);
    expect(findings[0]).toEqual({
      workload: { kind: 'Deployment', name: 'helloworld-v1' },
      message:
        '1 pod of helloworld-v1 run proxies from default, but the namespace now uses canary; they move on restart.',
      fix: {
        action: 'restart',
        title: 'Restart helloworld-v1',
        request: restartOf('helloworld-v1'),
      },
    });
  });

  it('is quiet when every proxy is on the namespace revision', () => {
    expect(
      oldRevision.detect(servedNamespace(istioScenario().snapshot)),
    ).toEqual([]);
  });
});

describe('unwantedSidecar (SM-SIDECAR-NOT-WANTED)', () => {
  it('offers a restart to drop proxies that new pods would not get', () => {
    const { snapshot } = istioScenario({ 'istio-injection': 'disabled' });
    const findings = unwantedSidecar.detect(servedNamespace(snapshot));
    expect(findings).toHaveLength(4);
    expect(findings[2]).toEqual({
      workload: { kind: 'Deployment', name: 'httpbin' },
      message:
        '1 pod of httpbin still run a proxy although new pods would get none; a restart removes it.',
      fix: {
        action: 'restart',
        title: 'Restart httpbin',
        request: restartOf('httpbin'),
      },
    });
  });

  it('is quiet while new pods get a proxy', () => {
    expect(
      unwantedSidecar.detect(servedNamespace(istioScenario().snapshot)),
    ).toEqual([]);
  });
});

describe('proxyImageMismatch (IST0158)', () => {
  it('offers one restart of every workload with an outdated proxy', () => {
    const { snapshot, httpbin, sleep } = istioScenario();
    snapshot.pods = snapshot.pods.filter(
      p => !/^(httpbin|sleep)/.test(p.metadata.name),
    );
    snapshot.pods.push(
      podOf(httpbin, 'old', { proxy: { version: '1.24.1' } }),
      podOf(sleep, 'new', { proxy: { version: '1.25.0' } }),
    );
    expect(proxyImageMismatch.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          "Pods of httpbin, sleep run a proxy image older or newer than their revision's injector; restart them to pick up the current one.",
        fix: {
          action: 'restart',
          title: 'Restart affected workloads',
          request: restartOf('httpbin', 'sleep'),
        },
      },
    ]);
  });

  it('is quiet when proxies match their revision', () => {
    expect(
      proxyImageMismatch.detect(servedNamespace(istioScenario().snapshot)),
    ).toEqual([]);
  });
});

describe('oldRevision resolves default and tags before comparing', () => {
  // A sidecar status annotation without `revision` means the default
  // revision (the injector omits it for an unnamed install); compare the
  // revision it resolves to, as istioctl does, not the word `default`.
  function podOnUnnamedDefault(
    snapshot: ReturnType<typeof istioScenario>['snapshot'],
    workload: ReturnType<typeof istioScenario>['httpbin'],
    podLabelRevision?: string,
  ) {
    const pod = podOf(workload, 'a', { proxy: { version: '1.25.0' } });
    const status = JSON.parse(
      pod.metadata.annotations!['sidecar.istio.io/status'],
    );
    delete status.revision;
    pod.metadata.annotations!['sidecar.istio.io/status'] =
      JSON.stringify(status);
    delete pod.metadata.labels!['istio.io/rev'];
    if (podLabelRevision) {
      pod.metadata.labels!['istio.io/rev'] = podLabelRevision;
    }
    snapshot.pods = [pod];
    return snapshot;
  }

  it('is quiet when the default tag points at the namespace revision', () => {
    const { snapshot, httpbin } = istioScenario({ 'istio.io/rev': 'canary' });
    snapshot.mutatingWebhookConfigurations.push(
      injectorWebhookConfiguration({ revision: 'canary', tag: 'default' }),
    );
    podOnUnnamedDefault(snapshot, httpbin);
    expect(oldRevision.detect(servedNamespace(snapshot))).toEqual([]);
    const analysis = servedNamespace(snapshot);
    expect(
      analysis.workloads.find(w => w.workload.metadata.name === 'httpbin')!
        .status.restartNeeded,
    ).toBe(false);
  });

  it('is quiet when the pod label names a tag of the namespace revision', () => {
    const { snapshot, httpbin } = istioScenario({ 'istio.io/rev': 'canary' });
    podOnUnnamedDefault(snapshot, httpbin, 'prod-stable');
    expect(oldRevision.detect(servedNamespace(snapshot))).toEqual([]);
  });

  it('still reports a default that points elsewhere, naming the real revision', () => {
    const { snapshot, httpbin } = istioScenario({ 'istio.io/rev': 'canary' });
    podOnUnnamedDefault(snapshot, httpbin);
    const [finding] = oldRevision.detect(servedNamespace(snapshot));
    expect(finding.message).toBe(
      '1 pod of httpbin run proxies from default, but the namespace now uses canary; they move on restart.',
    );
  });
});
