import { bookinfoInMesh, bookinfoNamespace } from '../__fixtures__/meshStatus';
import {
  controlPlaneName,
  membershipText,
  summarizeStatus,
} from './meshSummary';

describe('control planes before istiod', () => {
  it('names the Maistra 0.x, OSSM 1 and Istio 1.x flavours', () => {
    const base = { namespace: 'istio-system', revisions: [], tags: [] };
    expect(
      controlPlaneName({
        ...base,
        flavour: 'maistra0',
        name: 'istio-installation',
      }),
    ).toBe('Maistra 0 istio-installation in istio-system');
    expect(controlPlaneName({ ...base, flavour: 'ossm1' })).toBe(
      'OpenShift Service Mesh 1 in istio-system',
    );
    expect(controlPlaneName({ ...base, flavour: 'istioLegacy' })).toBe(
      'Istio (before istiod) in istio-system',
    );
  });

  it('says a Maistra 0.x namespace is in the mesh because its workloads opt in', () => {
    const namespace = {
      ...bookinfoNamespace(),
      membership: { member: true, via: 'podOptIn' as const },
    };
    expect(membershipText(namespace)).toBe(
      'Member, its workloads opt in (sidecar.istio.io/inject)',
    );
  });

  it('offers the Servicegraph link where the control plane exposes one', () => {
    const status = bookinfoInMesh();
    const url =
      'http://servicegraph.istio-system.demo.example.com/force/forcegraph.html';
    status.clusters[0].namespaces[0].links.servicegraph = url;
    expect(summarizeStatus(status).links.servicegraph).toBe(url);
  });
});
