import { crdsOfGroups, installMeshCrds } from '../../meshCrds';
import { CUSTOM_RESOURCE_DEFINITIONS } from '../builtinResources';
import { ClusterStore } from '../ClusterStore';
import { openApiV3 } from './openApiV3';

type Doc = Record<string, any>;

function storeWithMeshCrds() {
  const store = new ClusterStore();
  installMeshCrds(store, crdsOfGroups('networking.istio.io', 'maistra.io'));
  return store;
}

const serve = (store: ClusterStore, path: string) =>
  openApiV3(
    path,
    store.resources(),
    store.list(CUSTOM_RESOURCE_DEFINITIONS),
  ) as Doc;

/** The schema tagged with a kind, as kubectl explain finds it. */
function schemaOfKind(doc: Doc, kind: string): Doc {
  const found = Object.values(
    doc.components.schemas as Record<string, Doc>,
  ).filter(schema =>
    (schema['x-kubernetes-group-version-kind'] ?? []).some(
      (gvk: Doc) => gvk.kind === kind,
    ),
  );
  expect(found).toHaveLength(1);
  return found[0];
}

describe('openApiV3', () => {
  it('indexes every served group-version with a content hash', () => {
    const store = storeWithMeshCrds();
    const index = serve(store, '/openapi/v3');
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining([
        'api/v1',
        'apis/apps/v1',
        'apis/networking.istio.io/v1',
        'apis/maistra.io/v1',
      ]),
    );
    expect(index.paths['api/v1'].serverRelativeURL).toMatch(
      /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/,
    );
  });

  it('names the kind on the list path and tags its schema with the same group-version-kind', () => {
    const doc = serve(storeWithMeshCrds(), '/openapi/v3/api/v1');
    const gvk = { group: '', version: 'v1', kind: 'Pod' };
    expect(
      doc.paths['/api/v1/namespaces/{namespace}/pods'].get[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual(gvk);
    const pod = schemaOfKind(doc, 'Pod');
    expect(pod['x-kubernetes-group-version-kind']).toEqual([gvk]);
    const specRef = pod.properties.spec.allOf[0].$ref.split('/').pop();
    expect(doc.components.schemas[specRef].required).toEqual(['containers']);
    // Cluster-scoped kinds have no namespace segment.
    expect(doc.paths['/api/v1/namespaces'].get).toBeDefined();
  });

  it('describes webhook configurations by their webhooks, not a spec', () => {
    const doc = serve(
      storeWithMeshCrds(),
      '/openapi/v3/apis/admissionregistration.k8s.io/v1',
    );
    const configuration = schemaOfKind(doc, 'MutatingWebhookConfiguration');
    expect(configuration.properties.spec).toBeUndefined();
    const webhook = configuration.properties.webhooks.items.allOf[0].$ref
      .split('/')
      .pop();
    expect(Object.keys(doc.components.schemas[webhook].properties)).toEqual(
      expect.arrayContaining([
        'namespaceSelector',
        'objectSelector',
        'failurePolicy',
      ]),
    );
  });

  it('offers dryRun on PATCH without a request body, so kubectl keeps building patches itself', () => {
    const doc = serve(storeWithMeshCrds(), '/openapi/v3/apis/apps/v1');
    const patch =
      doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']
        .patch;
    expect(patch.parameters).toEqual([
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
    ]);
    expect(patch.requestBody).toBeUndefined();
  });

  it('serves the upstream schema of a mesh CRD installed with an open one', () => {
    const store = storeWithMeshCrds();
    const sidecar = schemaOfKind(
      serve(store, '/openapi/v3/apis/networking.istio.io/v1'),
      'Sidecar',
    );
    const egress = sidecar.properties.spec.properties.egress;
    expect(egress.type).toBe('array');
    expect(egress.items.required).toEqual(['hosts']);
    expect(sidecar.properties.metadata.allOf[0].$ref).toMatch(/ObjectMeta$/);
    const roll = schemaOfKind(
      serve(store, '/openapi/v3/apis/maistra.io/v1'),
      'ServiceMeshMemberRoll',
    );
    expect(roll.properties.spec.properties.members.items.type).toBe('string');
  });

  it('serves a CRD’s own schema when it has one', () => {
    const store = new ClusterStore();
    store.create(CUSTOM_RESOURCE_DEFINITIONS, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { size: { type: 'integer' } },
                  },
                },
              },
            },
          },
        ],
      },
    });
    const widget = schemaOfKind(
      serve(store, '/openapi/v3/apis/example.com/v1'),
      'Widget',
    );
    expect(widget.properties.spec.properties.size).toEqual({ type: 'integer' });
  });

  it('answers 404 for a group-version nothing serves', () => {
    expect(() =>
      serve(new ClusterStore(), '/openapi/v3/apis/nope.io/v1'),
    ).toThrow(expect.objectContaining({ code: 404 }));
  });
});
