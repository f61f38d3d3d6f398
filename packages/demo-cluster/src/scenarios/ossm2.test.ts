import { KubeObject } from '../apiserver/types';
import { DEPLOYMENTS, EVENTS } from '../controllers/common';
import { isPodReady } from '../controllers/workloads';
import { SERVICE_MESH_CONTROL_PLANES } from '../meshCrds';
import { waitFor } from '../waitFor';
import {
  conditionOf,
  proxiesIn,
  restartAndRollOut,
  useScenario,
  validateMeshObjects,
} from './__testUtils__/clusterChecks';

const HUB = 'registry.redhat.io/openshift-service-mesh';
const ON_25 = ['basic', `${HUB}/proxyv2-rhel8:2.5.2`];
const ON_26 = ['basic', `${HUB}/proxyv2-rhel8:2.6.5`];

const imageOf = (deployment: KubeObject | undefined) =>
  (
    deployment?.spec as {
      template: { spec: { containers: Array<{ image: string }> } };
    }
  ).template.spec.containers[0].image;

describe('in-place upgrade on scenario ossm2', () => {
  const store = useScenario('ossm2');
  const smcp = () =>
    store.get(SERVICE_MESH_CONTROL_PLANES, 'istio-system', 'basic')!;

  it('rolls the control plane to the new version, Ready again once every component has rolled out', async () => {
    await waitFor(() => conditionOf(smcp(), 'Ready')?.status === 'True');
    const seen: Array<{
      ready?: string;
      readyReason?: string;
      reconciled?: string;
      chartVersion?: string;
      observedGeneration?: number;
    }> = [];
    const unsubscribe = store.subscribe(event => {
      if (event.resource.plural !== SERVICE_MESH_CONTROL_PLANES.plural) return;
      const status = event.object.status as {
        chartVersion?: string;
        observedGeneration?: number;
      };
      seen.push({
        ready: conditionOf(event.object, 'Ready')?.status,
        readyReason: conditionOf(event.object, 'Ready')?.reason,
        reconciled: conditionOf(event.object, 'Reconciled')?.reason,
        chartVersion: status?.chartVersion,
        observedGeneration: status?.observedGeneration,
      });
    });
    try {
      // The JSON Patch the backend's OSSM 2 adapter writes.
      store.patch(
        SERVICE_MESH_CONTROL_PLANES,
        'istio-system',
        'basic',
        'application/json-patch+json',
        [
          { op: 'test', path: '/spec/version', value: 'v2.5' },
          { op: 'replace', path: '/spec/version', value: 'v2.6' },
        ],
      );
      await waitFor(
        () => conditionOf(smcp(), 'Reconciled')?.reason === 'UpdateSuccessful',
      );
    } finally {
      unsubscribe();
    }
    // While the components rolled, the status kept the old version.
    expect(seen).toContainEqual({
      ready: 'False',
      readyReason: 'ComponentsNotReady',
      reconciled: 'PausingUpdate',
      chartVersion: '2.5.2',
      observedGeneration: 1,
    });
    expect(conditionOf(smcp(), 'Reconciled')).toMatchObject({
      status: 'True',
      message: 'Successfully updated from version 2.5.2 to version 2.6.5',
    });
    expect(conditionOf(smcp(), 'Ready')).toMatchObject({
      status: 'True',
      reason: 'ComponentsReady',
    });
    expect(smcp().status).toMatchObject({
      chartVersion: '2.6.5',
      observedGeneration: 2,
      appliedSpec: { version: 'v2.6' },
      annotations: { readyComponentCount: '7/7' },
    });
    // Ready flapped: False while rolling, then True for good.
    const readiness = seen.filter(e => e.ready).map(e => e.ready);
    expect(readiness).toContain('False');
    expect(readiness.slice(readiness.lastIndexOf('False') + 1)).not.toEqual([]);
    expect(readiness[readiness.length - 1]).toBe('True');
    expect(
      imageOf(store.get(DEPLOYMENTS, 'istio-system', 'istiod-basic')),
    ).toBe(`${HUB}/pilot-rhel8:2.6.5`);
    for (const gateway of ['istio-ingressgateway', 'istio-egressgateway']) {
      expect(imageOf(store.get(DEPLOYMENTS, 'istio-system', gateway))).toBe(
        `${HUB}/proxyv2-rhel8:2.6.5`,
      );
    }
    expect(
      store
        .list(EVENTS, { namespace: 'istio-system' })
        .filter(
          e =>
            (e.involvedObject as { kind: string }).kind ===
            'ServiceMeshControlPlane',
        )
        .map(e => e.reason),
    ).toEqual(['Updating', 'Updated']);
    validateMeshObjects(store);
  });

  it('injects the new proxy into pods created afterwards, leaving running ones on the old', async () => {
    expect(proxiesIn(store, 'bookinfo').length).toBeGreaterThan(0);
    for (const proxy of proxiesIn(store, 'bookinfo')) {
      expect(proxy).toEqual(ON_25);
    }
    await restartAndRollOut(store, 'bookinfo');
    for (const proxy of proxiesIn(store, 'bookinfo')) {
      expect(proxy).toEqual(ON_26);
    }
    expect(
      store
        .list({ group: '', plural: 'pods' }, { namespace: 'bookinfo' })
        .every(isPodReady),
    ).toBe(true);
    // Members not restarted stay on the old proxies.
    for (const proxy of proxiesIn(store, 'payments')) {
      expect(proxy).toEqual(ON_25);
    }
  });
});
