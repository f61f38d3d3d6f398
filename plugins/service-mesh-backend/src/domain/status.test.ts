import { buildMeshContext } from './mesh';
import { deriveClusterStatus, deriveNamespaceStatus } from './status';
import {
  istioScenario,
  podOf,
  namespace,
  injectedPodIstio124,
} from './__fixtures__';
import type { ClusterSnapshot } from './snapshot';

function status(snapshot: ClusterSnapshot, ns = 'demo') {
  return deriveNamespaceStatus(buildMeshContext(snapshot), ns);
}

describe('deriveNamespaceStatus', () => {
  it('reports an injected namespace with all pods on the default revision', () => {
    const { snapshot } = istioScenario();
    const result = status(snapshot);
    expect(result.controlPlane).toMatchObject({
      flavour: 'istio',
      namespace: 'istio-system',
    });
    expect(result.membership).toEqual({ member: true, via: 'labels' });
    expect(result.injection).toEqual({
      mode: 'enabled',
      revisionLabel: undefined,
      effectiveRevision: 'default',
      effectiveTag: undefined,
      revisionVia: 'default',
      isDefaultRevision: true,
      perWorkload: false,
    });
    const httpbin = result.workloads.find(w => w.name === 'httpbin')!;
    expect(httpbin).toMatchObject({
      kind: 'Deployment',
      app: 'httpbin',
      version: 'v1',
      pods: 1,
      podsWithSidecar: 1,
      podsWithoutSidecar: 0,
      proxies: [{ revision: 'default', version: '1.24.2', pods: 1 }],
      optedOut: false,
      expectedRevision: 'default',
      restartNeeded: false,
    });
    expect(result.workloads.map(w => w.name)).toEqual([
      'helloworld-v1',
      'helloworld-v2',
      'httpbin',
      'sleep',
    ]);
    // The sleep sample's template has no version label.
    expect(result.warnings.map(w => [w.code, w.workload?.name])).toEqual([
      ['SM-MISSING-APP-VERSION', 'sleep'],
    ]);
  });

  it('reads the Istio 1.24 injected pod', () => {
    const { snapshot, httpbin } = istioScenario();
    const pod = injectedPodIstio124();
    snapshot.pods = [pod];
    httpbin.spec.template.metadata!.labels = { app: 'httpbin', version: 'v1' };
    const workload = status(snapshot).workloads.find(w => w.name === 'httpbin');
    expect(workload?.proxies).toEqual([
      { revision: 'default', version: '1.24.2', pods: 1 },
    ]);
  });

  it('flags proxies on the old revision after a switch, with a restart fix', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'prod-stable' });
    const result = status(snapshot);
    expect(result.injection).toMatchObject({
      mode: 'unset',
      revisionLabel: 'prod-stable',
      effectiveRevision: 'canary',
      effectiveTag: 'prod-stable',
    });
    expect(result.workloads.every(w => w.restartNeeded)).toBe(true);
    const old = result.warnings.filter(w => w.code === 'SM-OLD-REVISION');
    expect(old).toHaveLength(4);
    expect(old[0].fix).toEqual({
      action: 'restart',
      title: 'Restart helloworld-v1',
      request: {
        cluster: 'dev',
        namespace: 'demo',
        workloads: [{ kind: 'Deployment', name: 'helloworld-v1' }],
      },
    });
  });

  it('reports both labels as IST0123 with a switch-revision fix', () => {
    const { snapshot } = istioScenario({
      'istio-injection': 'enabled',
      'istio.io/rev': 'canary',
    });
    const warning = status(snapshot).warnings.find(w => w.code === 'IST0123');
    expect(warning).toMatchObject({
      severity: 'warning',
      fix: { action: 'switchRevision', request: { revision: 'canary' } },
    });
  });

  it('reports pods without a proxy as IST0103 and ignores Completed and terminating pods', () => {
    const { snapshot, httpbin } = istioScenario();
    snapshot.pods.push(
      podOf(httpbin, 'b'),
      podOf(httpbin, 'c', { phase: 'Succeeded' }),
      podOf(httpbin, 'd', { terminating: true }),
    );
    const result = status(snapshot);
    expect(result.workloads.find(w => w.name === 'httpbin')).toMatchObject({
      pods: 2,
      podsWithSidecar: 1,
      podsWithoutSidecar: 1,
      restartNeeded: true,
    });
    expect(result.warnings.find(w => w.code === 'IST0103')).toMatchObject({
      workload: { kind: 'Deployment', name: 'httpbin' },
      fix: { action: 'restart' },
    });
  });

  it('does not expect a sidecar for opted-out workloads', () => {
    const { snapshot, sleep } = istioScenario();
    sleep.spec.template.metadata!.annotations = {
      'sidecar.istio.io/inject': 'false',
    };
    snapshot.pods = snapshot.pods.filter(
      p => !p.metadata.name.startsWith('sleep'),
    );
    snapshot.pods.push(podOf(sleep, 'x'));
    const workload = status(snapshot).workloads.find(w => w.name === 'sleep')!;
    expect(workload).toMatchObject({
      optedOut: true,
      injectAnnotation: 'false',
      expectedRevision: undefined,
      restartNeeded: false,
    });
  });

  it('reports an unknown revision label with a fix to the default revision', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'gone' });
    const warning = status(snapshot).warnings[0];
    expect(warning).toMatchObject({
      code: 'SM-UNKNOWN-REVISION',
      severity: 'error',
      fix: { action: 'switchRevision', request: { revision: 'default' } },
    });
  });

  it('warns that new pods fail while the injector is down', () => {
    const { snapshot } = istioScenario();
    const istiod = snapshot.workloads.find(w => w.metadata.name === 'istiod')!;
    istiod.status = { conditions: [{ type: 'Available', status: 'False' }] };
    const result = status(snapshot);
    expect(result.controlPlane?.revisions).toContainEqual(
      expect.objectContaining({ name: 'default', injectorReady: false }),
    );
    expect(result.warnings[0]).toMatchObject({
      code: 'SM-INJECTOR-NOT-READY',
      severity: 'error',
    });
  });

  it('detects a missing injection webhook', () => {
    const { snapshot } = istioScenario();
    snapshot.mutatingWebhookConfigurations = [];
    expect(status(snapshot).warnings.map(w => w.code)).toContain(
      'SM-WEBHOOK-MISSING',
    );
  });

  it('reports a namespace outside the mesh as IST0102 with an enrol fix', () => {
    const { snapshot } = istioScenario({});
    snapshot.pods = [];
    const result = status(snapshot);
    expect(result.membership.member).toBe(false);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'IST0102',
        severity: 'info',
        fix: {
          action: 'enroll',
          title: 'Enroll in mesh',
          request: { cluster: 'dev', namespace: 'demo' },
        },
      }),
    ]);
  });

  it('reports proxies older than their revision as IST0158', () => {
    const { snapshot, httpbin } = istioScenario();
    snapshot.pods = snapshot.pods.filter(
      p => !p.metadata.name.startsWith('httpbin'),
    );
    snapshot.pods.push(podOf(httpbin, 'old', { proxy: { version: '1.24.1' } }));
    const warning = status(snapshot).warnings.find(w => w.code === 'IST0158');
    expect(warning?.fix).toMatchObject({
      action: 'restart',
      request: { workloads: [{ kind: 'Deployment', name: 'httpbin' }] },
    });
  });

  it('reports service ports not named by protocol as IST0118', () => {
    const { snapshot } = istioScenario();
    snapshot.services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'legacy', namespace: 'demo' },
      spec: {
        ports: [
          { name: 'web', port: 80 },
          { name: 'metrics', port: 9090, appProtocol: 'http' },
          { name: 'grpc-api', port: 9000 },
        ],
      },
    });
    const warnings = status(snapshot).warnings.filter(
      w => w.code === 'IST0118',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('legacy');
    expect(warnings[0].message).toContain('web');
    expect(warnings[0].message).not.toContain('metrics');
  });

  it('wants the istio-cni NetworkAttachmentDefinition on OpenShift with CNI', () => {
    const { snapshot } = istioScenario();
    snapshot.routes = [];
    snapshot.istioCNIs = [
      {
        apiVersion: 'sailoperator.io/v1',
        kind: 'IstioCNI',
        metadata: { name: 'default' },
      },
    ];
    snapshot.networkAttachmentDefinitions = [];
    expect(status(snapshot).warnings[0].code).toBe('SM-CNI-NAD-MISSING');
    snapshot.networkAttachmentDefinitions.push({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'istio-cni', namespace: 'demo' },
    });
    expect(status(snapshot).warnings.map(w => w.code)).not.toContain(
      'SM-CNI-NAD-MISSING',
    );
  });

  it('counts the services a namespace Sidecar lets proxies see', () => {
    const { snapshot } = istioScenario();
    expect(status(snapshot).visibleServices).toEqual({
      all: 6,
      withSidecarEgress: undefined,
    });
    snapshot.sidecars = [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'demo' },
        spec: { egress: [{ hosts: ['./*', 'istio-system/*', 'nowhere/*'] }] },
      },
    ];
    const result = status(snapshot);
    expect(result.visibleServices).toEqual({ all: 6, withSidecarEgress: 4 });
    expect(result.sidecars).toEqual([
      {
        name: 'default',
        egressHosts: ['./*', 'istio-system/*', 'nowhere/*'],
        workloadSelector: undefined,
      },
    ]);
    expect(result.warnings.map(w => w.code)).toContain('IST0101');
  });

  it('links to Kiali, Jaeger and Grafana through discovered Routes', () => {
    const { snapshot } = istioScenario();
    const route = (name: string, host: string) => ({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name, namespace: 'istio-system' },
      spec: { host, tls: { termination: 'reencrypt' }, to: { name } },
    });
    snapshot.routes = [
      route('kiali', 'kiali-istio-system.apps.example.com'),
      route('jaeger', 'jaeger-istio-system.apps.example.com'),
      route('grafana', 'grafana-istio-system.apps.example.com'),
    ];
    const result = status(snapshot);
    expect(result.links.kiali).toBe(
      'https://kiali-istio-system.apps.example.com/console/graph/namespaces/?namespaces=demo&graphType=versionedApp',
    );
    expect(result.workloads.find(w => w.name === 'httpbin')!.links).toEqual({
      kiali:
        'https://kiali-istio-system.apps.example.com/console/namespaces/demo/workloads/httpbin',
      jaeger:
        'https://jaeger-istio-system.apps.example.com/search?service=httpbin.demo&lookback=1h',
      grafana:
        'https://grafana-istio-system.apps.example.com/d/UbsSZTDik/istio-workload-dashboard?var-namespace=demo&var-workload=httpbin',
    });
  });

  it('says when the namespace does not exist', () => {
    const { snapshot } = istioScenario();
    expect(status(snapshot, 'nope').warnings[0].code).toBe(
      'SM-NAMESPACE-NOT-FOUND',
    );
  });

  it('says when the cluster has no control plane', () => {
    const snapshot: ClusterSnapshot = {
      cluster: 'bare',
      namespaces: [namespace('demo')],
      pods: [],
      workloads: [],
      services: [],
      mutatingWebhookConfigurations: [],
    };
    const result = status(snapshot);
    expect(result.controlPlane).toBeUndefined();
    expect(result.warnings.map(w => w.code)).toEqual(['SM-NO-CONTROL-PLANE']);
  });
});

describe('OSSM 2 status', () => {
  it('reports per-workload injection and pending membership', () => {
    const { snapshot, httpbin } = istioScenario({});
    snapshot.workloads = snapshot.workloads.filter(
      w => !w.metadata.name.startsWith('istiod'),
    );
    snapshot.mutatingWebhookConfigurations = [];
    snapshot.serviceMeshControlPlanes = [
      {
        apiVersion: 'maistra.io/v2',
        kind: 'ServiceMeshControlPlane',
        metadata: { name: 'basic', namespace: 'istio-system' },
        status: {
          chartVersion: '2.5.1',
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
    ];
    snapshot.serviceMeshMemberRolls = [
      {
        apiVersion: 'maistra.io/v1',
        kind: 'ServiceMeshMemberRoll',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { members: ['demo'] },
        status: { pendingMembers: ['demo'] },
      },
    ];
    httpbin.spec.template.metadata!.annotations = {
      'sidecar.istio.io/inject': 'true',
    };
    const result = status(snapshot);
    expect(result.controlPlane?.flavour).toBe('ossm2');
    expect(result.membership).toMatchObject({
      member: false,
      via: 'memberRoll',
      pending: true,
    });
    expect(result.injection.perWorkload).toBe(true);
    expect(result.warnings.map(w => w.code)).toContain('SM-MEMBER-PENDING');
  });
});

describe('deriveClusterStatus', () => {
  it('reports data age and control planes', () => {
    const { snapshot } = istioScenario();
    const result = deriveClusterStatus(
      snapshot,
      {
        reachable: true,
        synced: true,
        dataAsOf: new Date('2025-01-02T03:04:05Z'),
      },
      ['demo'],
    );
    expect(result).toMatchObject({
      name: 'dev',
      reachable: true,
      synced: true,
      dataAsOf: '2025-01-02T03:04:05.000Z',
    });
    expect(result.controlPlanes).toHaveLength(1);
    expect(result.namespaces.map(n => n.name)).toEqual(['demo']);
  });

  it('answers for an unreachable cluster without namespaces', () => {
    const { snapshot } = istioScenario();
    expect(
      deriveClusterStatus(
        snapshot,
        { reachable: false, synced: false, error: 'connection refused' },
        ['demo'],
      ),
    ).toEqual({
      name: 'dev',
      reachable: false,
      synced: false,
      error: 'connection refused',
      dataAsOf: undefined,
      controlPlanes: [],
      namespaces: [],
    });
  });
});

describe('how the namespace picks its revision', () => {
  it('names the default revision and says the namespace follows it', () => {
    const result = status(istioScenario().snapshot);
    expect(result.controlPlane?.defaultRevision).toBe('default');
    expect(result.injection).toMatchObject({
      revisionVia: 'default',
      isDefaultRevision: true,
    });
  });

  it('says a tag leads to a revision that is not the default', () => {
    const result = status(
      istioScenario({ 'istio.io/rev': 'prod-stable' }).snapshot,
    );
    expect(result.injection).toMatchObject({
      effectiveRevision: 'canary',
      effectiveTag: 'prod-stable',
      revisionVia: 'tag',
      isDefaultRevision: false,
    });
  });

  it('says a namespace is pinned by revision name', () => {
    const result = status(istioScenario({ 'istio.io/rev': 'canary' }).snapshot);
    expect(result.injection).toMatchObject({
      revisionVia: 'revision',
      isDefaultRevision: false,
    });
    expect(result.warnings.map(w => w.code)).toContain('SM-REVISION-PINNED');
  });
});
