import { istioScenario } from '../__fixtures__';
import type { IstioSidecar } from '../kube';
import { referencedResourceNotFound } from './sidecars';
import { servedNamespace } from './testUtils';

function sidecar(name: string, hosts: string[]): IstioSidecar {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: 'demo' },
    spec: { egress: [{ hosts }] },
  };
}

describe('referencedResourceNotFound (IST0101)', () => {
  it('names each namespace a Sidecar lets proxies reach that does not exist', () => {
    const { snapshot } = istioScenario();
    snapshot.sidecars = [
      sidecar('default', ['./*', 'nowhere/*', 'gone/a.example', 'nowhere/b']),
      sidecar('fine', ['istio-system/*', '*/*', '~/*']),
    ];
    expect(
      referencedResourceNotFound.detect(servedNamespace(snapshot)),
    ).toEqual([
      {
        message:
          'Sidecar default lets proxies reach namespace nowhere, gone, which does not exist.',
      },
    ]);
  });
});
