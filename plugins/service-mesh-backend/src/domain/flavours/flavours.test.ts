import { applyPatch } from 'fast-json-patch';
import { parse } from 'yaml';
import type {
  ServiceMeshControlPlane,
  ServiceMeshMember,
  ServiceMeshMemberRoll,
  SailIstio,
  SailIstioRevisionTag,
} from '../kube';
import { emptyClusterSnapshot, ClusterSnapshot } from '../snapshot';
import {
  injectorWebhookConfiguration,
  istioScenario,
  istiodDeployment,
  namespace,
  sampleObject,
} from '../__fixtures__';
import {
  detectControlPlanes,
  istioFlavour,
  ossm2Flavour,
  sailFlavour,
} from '.';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';

/** Applies planned patches the way the API server would, or throws on a failed test op. */
function applyOperation<T extends object>(
  object: T,
  operation: KubeOperation,
): T {
  return applyPatch(
    structuredClone(object),
    operation.patch as any,
    true,
    false,
  ).newDocument;
}

function ossmSnapshot(): ClusterSnapshot {
  const smcp = sampleObject<ServiceMeshControlPlane>(
    'maistra_v2_servicemeshcontrolplane_cr_minimal.yaml',
    'ServiceMeshControlPlane',
    'istio-system',
  );
  smcp.status = {
    chartVersion: '2.5.1',
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  const roll = sampleObject<ServiceMeshMemberRoll>(
    'maistra_v1_servicemeshmemberroll_cr.yaml',
    'ServiceMeshMemberRoll',
    'istio-system',
  );
  roll.metadata.resourceVersion = '5';
  return {
    ...emptyClusterSnapshot('ocp'),
    namespaces: [namespace('istio-system'), namespace('bookinfo')],
    workloads: [
      {
        ...istiodDeployment('minimal', '2.5.1'),
        metadata: { name: 'istiod-minimal', namespace: 'istio-system' },
      },
    ],
    serviceMeshControlPlanes: [smcp],
    serviceMeshMemberRolls: [roll],
    serviceMeshMembers: [],
  };
}

describe('OpenShift Service Mesh 2', () => {
  it('detects the sample control plane', () => {
    const [cp] = ossm2Flavour.detect(ossmSnapshot());
    expect(cp).toMatchObject({
      flavour: 'ossm2',
      namespace: 'istio-system',
      name: 'minimal',
      defaultRevision: 'minimal',
      revisions: [
        { name: 'minimal', version: '2.5.1', ready: true, injectorReady: true },
      ],
    });
  });

  it('adds to the sample member roll, whose members list is null', () => {
    const snapshot = ossmSnapshot();
    const [cp] = ossm2Flavour.detect(snapshot);
    const outcome = ossm2Flavour.planEnroll({
      snapshot,
      controlPlane: cp,
      namespace: snapshot.namespaces[1],
    });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const [operation] = outcome.change.operations;
    expect(operation).toMatchObject({
      verb: 'patch',
      kind: 'ServiceMeshMemberRoll',
      namespace: 'istio-system',
      name: 'default',
      patch: [
        { op: 'test', path: '/spec/members', value: null },
        { op: 'replace', path: '/spec/members', value: ['bookinfo'] },
      ],
    });
    expect(parse(operation.resultYaml).spec.members).toEqual(['bookinfo']);
  });

  it('creates a ServiceMeshMember shaped like the sample', () => {
    const snapshot = ossmSnapshot();
    const [cp] = ossm2Flavour.detect(snapshot);
    const outcome = ossm2Flavour.planEnroll({
      snapshot,
      controlPlane: cp,
      namespace: snapshot.namespaces[1],
      enrollment: 'member',
    });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const sample = sampleObject<ServiceMeshMember>(
      'maistra_v1_servicemeshmember_cr_minimal.yaml',
      'ServiceMeshMember',
    );
    const [operation] = outcome.change.operations;
    expect(operation.verb).toBe('create');
    expect(operation.object).toMatchObject({
      apiVersion: sample.apiVersion,
      kind: sample.kind,
      metadata: { name: sample.metadata.name, namespace: 'bookinfo' },
      spec: sample.spec,
    });
  });

  it('never loses or duplicates members under concurrent enrolments', () => {
    const snapshot = ossmSnapshot();
    let roll = snapshot.serviceMeshMemberRolls![0];
    roll.spec = { members: [] };
    const names = Array.from({ length: 50 }, (_, i) => `team-${i}`);
    snapshot.namespaces.push(...names.map(n => namespace(n)));
    const [cp] = ossm2Flavour.detect(snapshot);
    const planFor = (name: string) => {
      const outcome = ossm2Flavour.planEnroll({
        snapshot: { ...snapshot, serviceMeshMemberRolls: [roll] },
        controlPlane: cp,
        namespace: namespace(name),
      });
      if (!outcome.ok) throw new Error(outcome.refusal.message);
      return outcome.change.operations[0];
    };
    // All 50 plan against the same state; the server applies one at a time,
    // and whoever's test fails re-plans against the new state (409 + retry).
    let pending = names.map(name => ({ name, operation: planFor(name) }));
    let conflicts = 0;
    while (pending.length) {
      const retry: typeof pending = [];
      for (const request of pending) {
        try {
          roll = applyOperation(roll, request.operation);
        } catch {
          conflicts += 1;
          retry.push({ name: request.name, operation: planFor(request.name) });
        }
      }
      pending = retry;
    }
    expect(conflicts).toBeGreaterThan(0);
    expect([...roll.spec!.members!].sort()).toEqual([...names].sort());
  });

  it('removes every listed occurrence and deletes the member object', () => {
    const snapshot = ossmSnapshot();
    snapshot.serviceMeshMemberRolls![0].spec = {
      members: ['bookinfo', 'a', 'bookinfo'],
    };
    snapshot.serviceMeshMembers = [
      {
        apiVersion: 'maistra.io/v1',
        kind: 'ServiceMeshMember',
        metadata: {
          name: 'default',
          namespace: 'bookinfo',
          resourceVersion: '9',
        },
        spec: {
          controlPlaneRef: { name: 'minimal', namespace: 'istio-system' },
        },
      },
    ];
    const [cp] = ossm2Flavour.detect(snapshot);
    const outcome = ossm2Flavour.planUnenroll({
      snapshot,
      controlPlane: cp,
      namespace: snapshot.namespaces[1],
    });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const [patch, remove] = outcome.change.operations;
    expect(
      applyOperation(snapshot.serviceMeshMemberRolls![0], patch).spec!.members,
    ).toEqual(['a']);
    expect(remove).toMatchObject({
      verb: 'delete',
      kind: 'ServiceMeshMember',
      preconditions: { resourceVersion: '9' },
    });
  });

  it('refuses to unenrol a namespace picked by memberSelectors', () => {
    const snapshot = ossmSnapshot();
    snapshot.serviceMeshMemberRolls![0].spec = {
      memberSelectors: [{ matchLabels: { mesh: 'yes' } }],
    };
    snapshot.namespaces[1] = namespace('bookinfo', { mesh: 'yes' });
    const [cp] = ossm2Flavour.detect(snapshot);
    const outcome = ossm2Flavour.planUnenroll({
      snapshot,
      controlPlane: cp,
      namespace: snapshot.namespaces[1],
    });
    expect(outcome).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', code: 'SM-UNENROLL-MEMBER-SELECTOR' },
    });
    expect(
      ossm2Flavour.membership(cp, snapshot.namespaces[1], snapshot),
    ).toEqual({
      member: false,
      via: 'memberSelector',
      pending: true,
      conditions: undefined,
    });
  });

  it('reports configured, pending and member conditions', () => {
    const snapshot = ossmSnapshot();
    snapshot.serviceMeshMemberRolls![0].spec = { members: ['bookinfo'] };
    snapshot.serviceMeshMemberRolls![0].status = {
      configuredMembers: ['bookinfo'],
      memberStatuses: [
        {
          namespace: 'bookinfo',
          conditions: [{ type: 'Reconciled', status: 'True' }],
        },
      ],
    };
    const [cp] = ossm2Flavour.detect(snapshot);
    expect(
      ossm2Flavour.membership(cp, snapshot.namespaces[1], snapshot),
    ).toEqual({
      member: true,
      via: 'memberRoll',
      pending: undefined,
      conditions: [
        {
          type: 'Reconciled',
          status: 'True',
          reason: undefined,
          message: undefined,
        },
      ],
    });
    // Already listed: enrolling again changes nothing.
    const again = ossm2Flavour.planEnroll({
      snapshot,
      controlPlane: cp,
      namespace: snapshot.namespaces[1],
    });
    expect(again.ok && again.change.operations).toEqual([]);
  });
});

describe('Sail', () => {
  it('reads the InPlace sample as a revision named after the Istio', () => {
    const istio = sampleObject<SailIstio>('sail-istio-sample.yaml', 'Istio');
    const snapshot: ClusterSnapshot = {
      ...emptyClusterSnapshot('k'),
      istios: [istio],
      istioRevisions: [
        {
          apiVersion: 'sailoperator.io/v1',
          kind: 'IstioRevision',
          metadata: {
            name: 'default',
            ownerReferences: [{ kind: 'Istio', name: 'default' }],
          },
          spec: { version: istio.spec.version, namespace: 'istio-system' },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        },
      ],
      istioRevisionTags: [],
    };
    const [cp] = sailFlavour.detect(snapshot);
    expect(cp).toMatchObject({
      flavour: 'sail',
      namespace: 'istio-system',
      name: 'default',
      defaultRevision: 'default',
      revisions: [{ name: 'default', version: '1.31.0-beta.1', ready: true }],
    });
  });

  it('follows the RevisionBased sample tag to the versioned revision', () => {
    const istio = sampleObject<SailIstio>(
      'sail-istio-sample-revisionbased.yaml',
      'Istio',
    );
    const tag = sampleObject<SailIstioRevisionTag>(
      'sail-istio-sample-revisionbased.yaml',
      'IstioRevisionTag',
    );
    const snapshot: ClusterSnapshot = {
      ...emptyClusterSnapshot('k'),
      istios: [istio],
      istioRevisions: [],
      istioRevisionTags: [tag],
    };
    const [cp] = sailFlavour.detect(snapshot);
    expect(cp.revisions.map(r => r.name)).toEqual(['default-v1-31-0-beta-1']);
    expect(cp.tags).toEqual([
      { name: 'default', revision: 'default-v1-31-0-beta-1' },
    ]);
    expect(cp.defaultRevision).toBe('default-v1-31-0-beta-1');
  });

  it('adds the discovery-selector label when enrolling', () => {
    const istio = sampleObject<SailIstio>('sail-istio-sample.yaml', 'Istio');
    istio.spec.values = {
      meshConfig: { discoverySelectors: [{ matchLabels: { mesh: 'on' } }] },
    };
    istio.status = { activeRevisionName: 'default' };
    const snapshot: ClusterSnapshot = {
      ...emptyClusterSnapshot('k'),
      namespaces: [namespace('app')],
      workloads: [istiodDeployment('default', '1.31.0')],
      istios: [istio],
    };
    const [cp] = sailFlavour.detect(snapshot);
    cp.revisions[0].injectorReady = true;
    const outcome = sailFlavour.planEnroll({
      snapshot,
      controlPlane: cp,
      namespace: snapshot.namespaces[0],
    });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    expect(outcome.change.operations[0].patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '1' },
      { op: 'add', path: '/metadata/labels/istio-injection', value: 'enabled' },
      { op: 'add', path: '/metadata/labels/mesh', value: 'on' },
    ]);
  });
});

describe('upstream Istio', () => {
  it('finds revisions, tags and the default revision', () => {
    const { snapshot } = istioScenario();
    const [cp] = istioFlavour.detect(snapshot);
    expect(cp).toMatchObject({
      flavour: 'istio',
      namespace: 'istio-system',
      defaultRevision: 'default',
      tags: [{ name: 'prod-stable', revision: 'canary' }],
    });
    expect(
      cp.revisions.map(r => [r.name, r.version, r.webhookPresent]),
    ).toEqual([
      ['canary', '1.25.0', true],
      ['default', '1.24.2', true],
    ]);
  });

  it('leaves istiods of OSSM 2 and Sail to their flavours', () => {
    const snapshot = ossmSnapshot();
    expect(istioFlavour.detect(snapshot)).toEqual([]);
    expect(detectControlPlanes(snapshot).map(cp => cp.flavour)).toEqual([
      'ossm2',
    ]);
  });

  it('reads discovery selectors from the mesh config map', () => {
    const { snapshot } = istioScenario();
    const withConfig = {
      ...snapshot,
      configMaps: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'istio', namespace: 'istio-system' },
          data: { mesh: 'discoverySelectors:\n- matchLabels:\n    mesh: on\n' },
        },
      ],
    };
    expect(istioFlavour.detect(withConfig)[0].discoverySelectors).toEqual([
      { matchLabels: { mesh: 'on' } },
    ]);
  });

  it('has no default revision when only a revisioned install exists', () => {
    const snapshot: ClusterSnapshot = {
      ...emptyClusterSnapshot('k'),
      workloads: [istiodDeployment('1-24-2', '1.24.2')],
      mutatingWebhookConfigurations: [
        injectorWebhookConfiguration({ revision: '1-24-2' }),
      ],
    };
    expect(istioFlavour.detect(snapshot)[0].defaultRevision).toBeUndefined();
  });
});
