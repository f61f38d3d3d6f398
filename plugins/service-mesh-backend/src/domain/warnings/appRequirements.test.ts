import { istioScenario, podOf, service } from '../__fixtures__';
import {
  followsPortNamingConvention,
  missingAppVersionLabels,
  portNameConvention,
} from './appRequirements';
import { servedNamespace } from './testUtils';

describe('followsPortNamingConvention', () => {
  it.each(['http', 'http-web', 'HTTP2-api', 'grpc-web', 'tcp', 'tls-x'])(
    'accepts %s',
    name => expect(followsPortNamingConvention(name)).toBe(true),
  );
  it.each(['web', 'httpx', 'metrics', '', undefined])('rejects %s', name =>
    expect(followsPortNamingConvention(name)).toBe(false),
  );
});

describe('portNameConvention (IST0118)', () => {
  it('lists the ports of a service that state no protocol', () => {
    const { snapshot } = istioScenario();
    snapshot.services.push(
      service('legacy', 'demo', [
        { name: 'web', port: 80 },
        { port: 81 },
        { name: 'metrics', port: 9090, appProtocol: 'http' },
        { name: 'grpc-api', port: 9000 },
      ]),
    );
    expect(portNameConvention.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'Service legacy has ports (web, 81) whose name does not start with a protocol (http-, grpc-, tcp-...) and no appProtocol; Istio treats them as plain TCP.',
      },
    ]);
  });

  it('is quiet for the samples, and for services in other namespaces', () => {
    const { snapshot } = istioScenario();
    snapshot.services.push(
      service('legacy', 'other', [{ name: 'web', port: 80 }]),
    );
    expect(portNameConvention.detect(servedNamespace(snapshot))).toEqual([]);
  });
});

describe('missingAppVersionLabels (SM-MISSING-APP-VERSION)', () => {
  it('names the missing labels of a workload in the mesh', () => {
    const { snapshot, httpbin } = istioScenario();
    httpbin.spec.template.metadata!.labels = {};
    const findings = missingAppVersionLabels.detect(servedNamespace(snapshot));
    expect(findings).toEqual([
      {
        workload: { kind: 'Deployment', name: 'httpbin' },
        message:
          'The pod template of httpbin has no app or version label; Kiali and the Istio metrics group it less usefully.',
      },
      {
        workload: { kind: 'Deployment', name: 'sleep' },
        message:
          'The pod template of sleep has no version label; Kiali and the Istio metrics group it less usefully.',
      },
    ]);
  });

  it('ignores workloads outside the mesh', () => {
    const { snapshot, sleep } = istioScenario({});
    snapshot.pods = [podOf(sleep, 'a')];
    expect(missingAppVersionLabels.detect(servedNamespace(snapshot))).toEqual(
      [],
    );
  });
});
