import { parse } from 'yaml';
import type {
  SailIstio,
  SailIstioRevision,
  SailIstioRevisionTag,
  ServiceMeshControlPlane,
  Workload,
} from '../../kube';
import type { ClusterSnapshot } from '../../snapshot';
import {
  deployment,
  injectorWebhookConfiguration,
  istiodDeployment,
  namespace,
  podOf,
} from '../../__fixtures__';
import { planUpgrade, UpgradePlanOutcome } from '../planner';
import { fromRevisionUsage, nextSteps } from '../steps';
import { createUpgradeState } from '../machine';
import { DEFAULT_UPGRADE_OPTIONS, UpgradeRequest } from '../types';
import { applyOperation, readyPod } from '../__fixtures__/scenarios';

function ok(outcome: UpgradePlanOutcome) {
  if (!outcome.ok) {
    throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  }
  return outcome.plan;
}

function app(name: string, ns: string, revision: string, version: string) {
  const workload = deployment(name, ns);
  return {
    workload,
    pod: readyPod(podOf(workload, 'a', { proxy: { revision, version } })),
  };
}

/** Sail with a RevisionBased `Istio` on v1.23.1 and a `default` tag on the Istio. */
function sailScenario() {
  const istio: SailIstio = {
    apiVersion: 'sailoperator.io/v1',
    kind: 'Istio',
    metadata: { name: 'default', resourceVersion: '3' },
    spec: {
      version: 'v1.23.1',
      namespace: 'istio-system',
      updateStrategy: { type: 'RevisionBased' },
    },
    status: { activeRevisionName: 'default-v1-23-1' },
  };
  const revision: SailIstioRevision = {
    apiVersion: 'sailoperator.io/v1',
    kind: 'IstioRevision',
    metadata: {
      name: 'default-v1-23-1',
      ownerReferences: [{ kind: 'Istio', name: 'default' }],
    },
    spec: { version: 'v1.23.1', namespace: 'istio-system' },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const tag: SailIstioRevisionTag = {
    apiVersion: 'sailoperator.io/v1',
    kind: 'IstioRevisionTag',
    metadata: { name: 'default', resourceVersion: '4' },
    spec: { targetRef: { kind: 'Istio', name: 'default' } },
    status: { istioRevision: 'default-v1-23-1' },
  };
  const web = app('frontend', 'web', 'default-v1-23-1', '1.23.1');
  const pinned = app('mainframe', 'pinned', 'default-v1-23-1', '1.23.1');
  const snapshot: ClusterSnapshot = {
    cluster: 'sail',
    namespaces: [
      namespace('istio-system'),
      namespace('web', { 'istio-injection': 'enabled' }),
      namespace('pinned', { 'istio.io/rev': 'default-v1-23-1' }),
    ],
    workloads: [
      istiodDeployment('default-v1-23-1', '1.23.1'),
      web.workload,
      pinned.workload,
    ],
    pods: [web.pod, pinned.pod],
    services: [],
    mutatingWebhookConfigurations: [
      injectorWebhookConfiguration({ revision: 'default-v1-23-1' }),
      injectorWebhookConfiguration({
        revision: 'default-v1-23-1',
        tag: 'default',
        isDefault: true,
      }),
    ],
    istios: [istio],
    istioRevisions: [revision],
    istioRevisionTags: [tag],
  };
  return { snapshot, istio };
}

const sailRequest: UpgradeRequest = {
  cluster: 'sail',
  controlPlane: { namespace: 'istio-system', name: 'default' },
  fromRevision: 'default-v1-23-1',
  target: { type: 'version', version: 'v1.24.3' },
  options: { ...DEFAULT_UPGRADE_OPTIONS },
};

describe('Sail upgrade plan', () => {
  it('changes Istio.spec.version, waits for the new IstioRevision, and lets the tag on the Istio follow', () => {
    const { snapshot } = sailScenario();
    const plan = ok(planUpgrade(snapshot, sailRequest));
    expect(plan).toMatchObject({
      flavour: 'sail',
      targetRevision: 'default-v1-24-3',
      targetVersion: '1.24.3',
      blocked: false,
    });
    const [step] = plan.controlPlaneSteps;
    expect(step.operation.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '3' },
      { op: 'test', path: '/spec/version', value: 'v1.23.1' },
      { op: 'replace', path: '/spec/version', value: 'v1.24.3' },
    ]);
    expect(step.awaitRevision).toBe('default-v1-24-3');
    expect(plan.tagMoves).toEqual([
      expect.objectContaining({
        tag: 'default',
        automatic: true,
        toRevision: 'default-v1-24-3',
      }),
    ]);
    expect(plan.tagMoves[0].operation).toBeUndefined();
    expect(plan.namespaces).toEqual([
      expect.objectContaining({
        namespace: 'web',
        move: 'followsTag',
        tag: 'default',
      }),
    ]);
    expect(plan.staying).toEqual([
      expect.objectContaining({ namespace: 'pinned', reason: 'pinnedByName' }),
    ]);
    expect(plan.prechecks.find(p => p.name === 'targetReady')).toMatchObject({
      passed: true,
      message:
        'Revision default-v1-24-3 does not exist yet: the operator creates it, and the upgrade waits for it to be Ready',
    });
  });

  it('sets the version first, then waits for the revision to be Ready', () => {
    const { snapshot } = sailScenario();
    const plan = ok(planUpgrade(snapshot, sailRequest));
    const { state } = createUpgradeState('s1', sailRequest, plan, new Date());
    const running = { ...state, phase: 'Running' as const };
    const [first] = nextSteps(running, snapshot);
    expect(first).toMatchObject({ key: 'setVersion', type: 'setVersion' });
    applyOperation(snapshot, (first as { operation: any }).operation);
    expect(nextSteps(running, snapshot)).toEqual([
      expect.objectContaining({
        type: 'waitForRevision',
        revision: 'default-v1-24-3',
      }),
    ]);
  });

  it('shows the old revision in use, then removed by the operator', () => {
    const { snapshot } = sailScenario();
    const plan = ok(planUpgrade(snapshot, sailRequest));
    expect(fromRevisionUsage(plan, snapshot)).toEqual({
      pods: 2,
      byNamespace: { web: 1, pinned: 1 },
      exists: true,
    });
    // Upgraded, and the operator deleted the unused revision.
    snapshot.pods = [];
    snapshot.istios![0].spec.version = 'v1.24.3';
    snapshot.istioRevisions = [];
    snapshot.workloads = snapshot.workloads.filter(
      w => !w.metadata.name.startsWith('istiod'),
    );
    expect(fromRevisionUsage(plan, snapshot)).toEqual({
      pods: 0,
      byNamespace: {},
      exists: false,
    });
  });

  it('repoints a tag on an IstioRevision by name', () => {
    const { snapshot } = sailScenario();
    snapshot.istioRevisionTags![0].spec.targetRef = {
      kind: 'IstioRevision',
      name: 'default-v1-23-1',
    };
    const plan = ok(
      planUpgrade(snapshot, {
        ...sailRequest,
        options: { ...sailRequest.options, moveTags: ['default'] },
      }),
    );
    const [move] = plan.tagMoves;
    expect(move.automatic).toBe(false);
    expect(parse(move.operation!.resultYaml).spec.targetRef).toEqual({
      kind: 'IstioRevision',
      name: 'default-v1-24-3',
    });
  });

  it('refuses a version change on the InPlace strategy, and the same version', () => {
    const { snapshot, istio } = sailScenario();
    expect(
      planUpgrade(snapshot, {
        ...sailRequest,
        target: { type: 'version', version: '1.23.1' },
      }),
    ).toMatchObject({ ok: false, code: 'SM-UPGRADE-SAME-VERSION' });
    istio.spec.updateStrategy = { type: 'InPlace' };
    expect(planUpgrade(snapshot, sailRequest)).toMatchObject({
      ok: false,
      kind: 'conflict',
      code: 'SM-UPGRADE-SAIL-IN-PLACE',
    });
  });
});

/** OSSM 2: SMCP `basic` on v2.5 with member namespace bookinfo. */
function ossm2Scenario(proxyVersion = '2.5.2') {
  const smcp: ServiceMeshControlPlane = {
    apiVersion: 'maistra.io/v2',
    kind: 'ServiceMeshControlPlane',
    metadata: {
      name: 'basic',
      namespace: 'istio-system',
      resourceVersion: '8',
    },
    spec: { version: 'v2.5' },
    status: {
      chartVersion: '2.5.2',
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
  const productpage: Workload = deployment('productpage', 'bookinfo', {
    labels: { app: 'productpage' },
    annotations: { 'sidecar.istio.io/inject': 'true' },
  });
  const snapshot: ClusterSnapshot = {
    cluster: 'ocp',
    namespaces: [
      namespace('istio-system'),
      namespace('bookinfo', { 'maistra.io/member-of': 'istio-system' }),
      namespace('outside'),
    ],
    workloads: [istiodDeployment('basic', '2.5.2'), productpage],
    pods: [
      readyPod(
        podOf(productpage, 'a', {
          proxy: { revision: 'basic', version: proxyVersion },
        }),
      ),
    ],
    services: [],
    mutatingWebhookConfigurations: [
      injectorWebhookConfiguration({ revision: 'basic' }),
    ],
    serviceMeshControlPlanes: [smcp],
    serviceMeshMemberRolls: [
      {
        apiVersion: 'maistra.io/v1',
        kind: 'ServiceMeshMemberRoll',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { members: ['bookinfo'] },
      },
    ],
  };
  return { snapshot };
}

const ossm2Request: UpgradeRequest = {
  cluster: 'ocp',
  controlPlane: { namespace: 'istio-system', name: 'basic' },
  fromRevision: 'basic',
  target: { type: 'version', version: 'v2.6' },
  options: { ...DEFAULT_UPGRADE_OPTIONS },
};

describe('OSSM 2 upgrade plan', () => {
  it('upgrades the SMCP in place, then restarts member namespaces without relabelling', () => {
    const plan = ok(planUpgrade(ossm2Scenario().snapshot, ossm2Request));
    expect(plan).toMatchObject({
      flavour: 'ossm2',
      targetRevision: 'basic',
      targetVersion: '2.6',
      tagMoves: [],
    });
    expect(plan.controlPlaneSteps[0].operation.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '8' },
      { op: 'test', path: '/spec/version', value: 'v2.5' },
      { op: 'replace', path: '/spec/version', value: 'v2.6' },
    ]);
    expect(plan.namespaces).toEqual([
      expect.objectContaining({
        namespace: 'bookinfo',
        move: 'restartOnly',
        restarts: [
          {
            workload: { kind: 'Deployment', name: 'productpage' },
            pods: ['productpage-a'],
          },
        ],
      }),
    ]);
    expect(plan.namespaces[0].labelChange).toBeUndefined();
    expect(plan.prechecks.every(p => p.passed)).toBe(true);
  });

  it('blocks when proxies would be more than one minor version behind the upgraded control plane', () => {
    const plan = ok(planUpgrade(ossm2Scenario('2.4.8').snapshot, ossm2Request));
    expect(plan.prechecks.find(p => p.name === 'proxySkew')).toMatchObject({
      passed: false,
      blocking: true,
    });
  });

  it.each([
    [
      { target: { type: 'revision', revision: 'other' } },
      'SM-UPGRADE-TARGET-TYPE',
    ],
    [
      { target: { type: 'version', version: '2.5' } },
      'SM-UPGRADE-SAME-VERSION',
    ],
    [
      { options: { ...DEFAULT_UPGRADE_OPTIONS, moveTags: ['default'] } },
      'SM-UPGRADE-OSSM2-TAGS',
    ],
    [
      {
        options: {
          ...DEFAULT_UPGRADE_OPTIONS,
          canary: { namespaces: ['outside'] },
        },
      },
      'SM-UPGRADE-CANARY-NAMESPACE',
    ],
  ] as const)('refuses %j with %s', (change, code) => {
    expect(
      planUpgrade(ossm2Scenario().snapshot, {
        ...ossm2Request,
        ...change,
      } as UpgradeRequest),
    ).toMatchObject({ ok: false, code });
  });
});
