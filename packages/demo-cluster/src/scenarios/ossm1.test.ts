import { SERVICE_MESH_CONTROL_PLANES } from '../meshCrds';
import { DEPLOYMENTS, MUTATING_WEBHOOKS } from '../controllers/common';
import {
  conditionOf,
  podsIn,
  proxyImage,
  useScenario,
  validateMeshObjects,
} from './__testUtils__/clusterChecks';

describe('scenario ossm1', () => {
  const store = useScenario('ossm1');

  it('serves the SMCP as maistra.io/v1 only and lays it out before istiod, Ready', () => {
    const crd = store.get(
      { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' },
      undefined,
      'servicemeshcontrolplanes.maistra.io',
    )!;
    expect(
      (crd.spec as { versions: Array<{ name: string }> }).versions.map(
        v => v.name,
      ),
    ).toEqual(['v1']);
    const smcp = store.get(
      SERVICE_MESH_CONTROL_PLANES,
      'istio-system',
      'basic-install',
    )!;
    expect(conditionOf(smcp, 'Ready')?.status).toBe('True');
    expect(smcp.status).toMatchObject({
      annotations: { readyComponentCount: '7/7' },
    });
    expect(
      store.get(DEPLOYMENTS, 'istio-system', 'istio-pilot')?.metadata
        .ownerReferences?.[0],
    ).toMatchObject({ kind: 'ServiceMeshControlPlane', name: 'basic-install' });
    const webhook = store.get(
      MUTATING_WEBHOOKS,
      undefined,
      'istio-sidecar-injector-istio-system',
    )!;
    expect(webhook.webhooks).toEqual([
      expect.objectContaining({
        failurePolicy: 'Fail',
        namespaceSelector: {
          matchLabels: { 'maistra.io/member-of': 'istio-system' },
        },
      }),
    ]);
  });

  it('writes the SMCP and member roll valid against the real maistra.io/v1 schemas', () => {
    const kinds = validateMeshObjects(store).map(o => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ServiceMeshControlPlane',
        'ServiceMeshMemberRoll',
      ]),
    );
  });

  it('injects the opted-in pods of members only', () => {
    expect(new Set(podsIn(store, 'bookinfo').map(proxyImage))).toEqual(
      new Set([
        'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:1.1.18',
      ]),
    );
    expect(podsIn(store, 'shop').map(proxyImage)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
