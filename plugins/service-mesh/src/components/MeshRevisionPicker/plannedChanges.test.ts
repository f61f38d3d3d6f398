import type { ControlPlaneInfo } from '@mesh-backstage/plugin-service-mesh-common';
import { plannedChanges } from './plannedChanges';

const istio = {
  flavour: 'istio',
  namespace: 'istio-system',
  revisions: [],
  tags: [],
  defaultRevision: '1-23-1',
} as unknown as ControlPlaneInfo;
const ossm2 = { ...istio, flavour: 'ossm2' } as ControlPlaneInfo;

describe('plannedChanges', () => {
  it('names the namespace, revision label, workload, egress and registration', () => {
    expect(
      plannedChanges({
        name: 'checkout',
        cluster: 'demo-istio-revisions',
        controlPlane: istio,
        revision: '1-24-3',
      }),
    ).toEqual([
      'Create namespace checkout on demo-istio-revisions',
      'Label namespace checkout istio.io/rev=1-24-3',
      'Create Deployment checkout and Service checkout in checkout',
      'Create Sidecar default in checkout with egress ./*, istio-system/*',
      'Register component:default/checkout in the catalog',
    ]);
  });

  it('uses the member roll on OSSM 2 and the hosts given', () => {
    const changes = plannedChanges({
      name: 'checkout',
      cluster: 'demo-ossm2',
      controlPlane: ossm2,
      egressHosts: ['./*', 'payments/*', ''],
    });
    expect(changes[1]).toBe(
      'Add namespace checkout to the member roll of istio-system',
    );
    expect(changes[3]).toBe(
      'Create Sidecar default in checkout with egress ./*, payments/*',
    );
  });

  it('says nothing until the name and control plane are chosen', () => {
    expect(plannedChanges({ cluster: 'c', controlPlane: istio })).toEqual([]);
    expect(plannedChanges({ name: 'checkout', cluster: 'c' })).toEqual([]);
  });
});
