import { bookinfoInMesh, bookinfoNamespace } from '../__fixtures__/meshStatus';
import { revisionSwitchChoices } from './meshActions';
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

  it('offers no revision to switch to on Istio before istiod', () => {
    const namespace = bookinfoNamespace();
    expect(revisionSwitchChoices(namespace)).toEqual([]);
    const istio10 = {
      ...namespace,
      injection: { mode: 'enabled' as const, perWorkload: false },
      controlPlane: {
        flavour: 'istioLegacy' as const,
        namespace: 'istio-system',
        revisions: [
          {
            name: 'default',
            version: '1.0.6',
            ready: true,
            injectorReady: true,
          },
        ],
        tags: [],
      },
    };
    expect(revisionSwitchChoices(istio10)).toEqual([]);
    expect(
      revisionSwitchChoices({
        ...istio10,
        controlPlane: { ...istio10.controlPlane, flavour: 'istio' },
      }),
    ).toHaveLength(1);
  });
});
