import { crdsOfGroups, installMeshCrds } from '../../meshCrds';
import { CUSTOM_RESOURCE_DEFINITIONS } from '../builtinResources';
import { ClusterStore } from '../ClusterStore';
import { openApiV2 } from '../http/openApiV2';
import { openApiV2Definitions, toV2Schema } from './openApiV2Definitions';

type Doc = Record<string, any>;

function definitions(): Record<string, Doc> {
  const store = new ClusterStore();
  installMeshCrds(store, crdsOfGroups('networking.istio.io', 'maistra.io'));
  return openApiV2Definitions(
    store.resources(),
    store.list(CUSTOM_RESOURCE_DEFINITIONS),
  );
}

describe('openApiV2Definitions', () => {
  it('defines custom resource kinds only, tagged with their group-version-kind', () => {
    const all = definitions();
    const sidecar = all['io.istio.networking.v1.Sidecar'];
    expect(sidecar['x-kubernetes-group-version-kind']).toEqual([
      { group: 'networking.istio.io', version: 'v1', kind: 'Sidecar' },
    ]);
    expect(all['io.maistra.v1.ServiceMeshMemberRoll']).toBeDefined();
    // No built-in kind: kubectl would validate and patch them from it.
    expect(Object.keys(all).some(name => name.startsWith('io.k8s.'))).toBe(
      false,
    );
  });

  it('keeps the real CRD fields, lists apiVersion and kind, and leaves metadata and status open', () => {
    const sidecar = definitions()['io.istio.networking.v1.Sidecar'];
    expect(Object.keys(sidecar.properties)).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']),
    );
    expect(sidecar.properties.metadata).toEqual({
      description: "Standard object's metadata.",
    });
    // Accepts any status: no type, no properties.
    expect(Object.keys(sidecar.properties.status)).toEqual(['description']);
    const egress = sidecar.properties.spec.properties.egress;
    expect(egress.type).toBe('array');
    expect(egress.items.properties.hosts).toMatchObject({
      type: 'array',
      items: { type: 'string' },
    });
    expect(egress.items.required).toBeUndefined();
  });

  it('turns what kubectl cannot check into schemas that accept any value', () => {
    expect(
      toV2Schema({
        type: 'object',
        description: 'open',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { a: { type: 'string' } },
      }),
    ).toEqual({ description: 'open' });
    expect(toV2Schema({ 'x-kubernetes-int-or-string': true })).toEqual({});
    expect(toV2Schema({ type: 'array' })).toEqual({});
    expect(toV2Schema({ type: 'object', properties: {} })).toEqual({});
    expect(toV2Schema({ oneOf: [{ type: 'string' }] })).toEqual({});
    expect(toV2Schema({ type: 'null' })).toEqual({});
    expect(
      toV2Schema({
        type: 'object',
        additionalProperties: { type: 'string' },
        required: ['a'],
      }),
    ).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(
      toV2Schema({ type: 'array', nullable: true, items: { type: 'string' } }),
    ).toEqual({ type: 'array', items: { type: 'string' } });
  });

  it('serves them in the JSON and the protobuf v2 document', () => {
    const store = new ClusterStore();
    installMeshCrds(store, crdsOfGroups('networking.istio.io'));
    const all = openApiV2Definitions(
      store.resources(),
      store.list(CUSTOM_RESOURCE_DEFINITIONS),
    );
    const document = openApiV2({}, store.resources(), all).json as Doc;
    expect(document.definitions).toEqual(all);
    const protobuf = openApiV2(
      { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
      store.resources(),
      all,
    );
    const bytes = protobuf.bytes as Buffer;
    // Definitions (field 9) name each kind's schema and its hosts field.
    expect(bytes.includes(Buffer.from('io.istio.networking.v1.Sidecar'))).toBe(
      true,
    );
    expect(bytes.includes(Buffer.from('x-kubernetes-group-version-kind'))).toBe(
      true,
    );
  });
});
