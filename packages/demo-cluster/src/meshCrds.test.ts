import { RealSchemaValidator, loadRealCrds } from './__testUtils__/crdSchemas';
import { ClusterStore } from './apiserver/ClusterStore';
import { installMeshCrds, meshCrds } from './meshCrds';

describe('mesh CRDs', () => {
  it('declare the same names, scope and versions as the real CRDs', () => {
    const real = loadRealCrds();
    expect(real.length).toBeGreaterThanOrEqual(13);
    for (const crd of real) {
      const ours = meshCrds.find(
        c => c.metadata.name === `${crd.spec.names.plural}.${crd.spec.group}`,
      );
      expect(ours).toBeDefined();
      const spec = ours!.spec as typeof crd.spec;
      expect(spec.scope).toBe(crd.spec.scope);
      expect(spec.names.kind).toBe(crd.spec.names.kind);
      expect(spec.names.shortNames ?? []).toEqual(
        crd.spec.names.shortNames ?? [],
      );
      expect(spec.versions.map(v => v.name).sort()).toEqual(
        crd.spec.versions
          .filter(v => v.served)
          .map(v => v.name)
          .sort(),
      );
    }
  });

  it('are served once installed', () => {
    const store = new ClusterStore();
    installMeshCrds(store);
    installMeshCrds(store); // idempotent
    for (const plural of [
      'servicemeshcontrolplanes',
      'servicemeshmemberrolls',
      'servicemeshmembers',
      'istios',
      'istiorevisions',
      'istiorevisiontags',
      'istiocnis',
      'sidecars',
      'network-attachment-definitions',
    ]) {
      expect(store.resources().some(r => r.plural === plural)).toBe(true);
    }
    expect(
      store.resources().find(r => r.plural === 'servicemeshmemberrolls'),
    ).toMatchObject({
      shortNames: ['smmr'],
      namespaced: true,
    });
  });

  it('rejects objects that break the real schema (the oracle works)', () => {
    const validator = new RealSchemaValidator();
    expect(
      validator.errors({
        apiVersion: 'maistra.io/v1',
        kind: 'ServiceMeshMemberRoll',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { members: 'bookinfo' },
      }),
    ).not.toEqual([]);
    expect(
      validator.errors({
        apiVersion: 'sailoperator.io/v1',
        kind: 'IstioRevision',
        metadata: { name: 'default-v1-24-3' },
        spec: { version: 'v1.24.3', namespace: 'istio-system', values: {} },
      }),
    ).toContain(
      "IstioRevision /default-v1-24-3: spec.values.revision must match metadata.name or be empty when the name is 'default'",
    );
  });
});
