import { ClusterStore } from './ClusterStore';
import { ApiError, KubeObject, StoreEvent } from './types';

const NAMESPACES = { group: '', plural: 'namespaces' };
const PODS = { group: '', plural: 'pods' };
const CONFIGMAPS = { group: '', plural: 'configmaps' };
const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };
const REPLICASETS = { group: 'apps', plural: 'replicasets' };
const CRDS = {
  group: 'apiextensions.k8s.io',
  plural: 'customresourcedefinitions',
};
const SMMRS = { group: 'maistra.io', plural: 'servicemeshmemberrolls' };

function namespace(name: string, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function pod(
  ns: string,
  name: string,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
  };
}

function configMap(
  ns: string,
  name: string,
  data: Record<string, string> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data,
  };
}

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an ApiError');
}

const smmrCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemeshmemberrolls.maistra.io' },
  spec: {
    group: 'maistra.io',
    scope: 'Namespaced',
    names: {
      kind: 'ServiceMeshMemberRoll',
      plural: 'servicemeshmemberrolls',
      singular: 'servicemeshmemberroll',
      shortNames: ['smmr'],
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Members', type: 'string', jsonPath: '.spec.members' },
        ],
      },
    ],
  },
};

describe('ClusterStore', () => {
  let store: ClusterStore;

  beforeEach(() => {
    store = new ClusterStore();
    store.create(NAMESPACES, namespace('demo'));
  });

  it('fills server fields on create and bumps one global resourceVersion', () => {
    const first = store.create(CONFIGMAPS, configMap('demo', 'a'));
    const second = store.create(CONFIGMAPS, configMap('demo', 'b'));
    expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.metadata.generation).toBe(1);
    expect(first.metadata.creationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(
      Number(first.metadata.resourceVersion),
    );
    expect(store.resourceVersion()).toBe(second.metadata.resourceVersion);
    expect(store.get(CONFIGMAPS, 'demo', 'a')).toEqual(first);
  });

  it('defaults namespaces to Active', () => {
    expect(store.get(NAMESPACES, undefined, 'demo')?.status).toEqual({
      phase: 'Active',
    });
  });

  it('names objects from generateName', () => {
    const created = store.create(PODS, {
      ...pod('demo', ''),
      metadata: { generateName: 'web-', namespace: 'demo' },
    });
    expect(created.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('refuses duplicates, missing namespaces and bad names', () => {
    store.create(PODS, pod('demo', 'p'));
    expect(caught(() => store.create(PODS, pod('demo', 'p')))).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
    });
    expect(caught(() => store.create(PODS, pod('nowhere', 'p')))).toMatchObject(
      {
        code: 404,
        message: 'namespaces "nowhere" not found',
      },
    );
    expect(
      caught(() => store.create(PODS, pod('demo', 'Bad_Name'))),
    ).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
  });

  it('rejects an update with a stale resourceVersion', () => {
    const created = store.create(CONFIGMAPS, configMap('demo', 'cm'));
    store.update(CONFIGMAPS, { ...created, data: { a: '1' } });
    const error = caught(() =>
      store.update(CONFIGMAPS, { ...created, data: { a: '2' } }),
    );
    expect(error).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(store.get(CONFIGMAPS, 'demo', 'cm')?.data).toEqual({ a: '1' });
  });

  it('bumps generation only for changes outside metadata and status', () => {
    const created = store.create(PODS, pod('demo', 'p'));
    const relabelled = store.update(PODS, {
      ...created,
      metadata: { ...created.metadata, labels: { a: 'b' } },
    });
    expect(relabelled.metadata.generation).toBe(1);
    const changed = store.update(PODS, {
      ...relabelled,
      spec: { containers: [{ name: 'app', image: 'app:2' }] },
    });
    expect(changed.metadata.generation).toBe(2);
  });

  it('does not write a no-op update', () => {
    const created = store.create(
      CONFIGMAPS,
      configMap('demo', 'cm', { a: '1' }),
    );
    const writes = store.writeCount();
    const same = store.update(CONFIGMAPS, created);
    expect(same.metadata.resourceVersion).toBe(
      created.metadata.resourceVersion,
    );
    expect(store.writeCount()).toBe(writes);
  });

  it('keeps status on update and only status on updateStatus', () => {
    const created = store.create(PODS, pod('demo', 'p'));
    const withStatus = store.updateStatus(PODS, {
      ...created,
      metadata: { ...created.metadata, labels: { ignored: 'yes' } },
      status: { phase: 'Running' },
    });
    expect(withStatus.status).toEqual({ phase: 'Running' });
    expect(withStatus.metadata.labels).toBeUndefined();

    const updated = store.update(PODS, {
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { kept: 'yes' } },
      status: { phase: 'Failed' },
    });
    expect(updated.status).toEqual({ phase: 'Running' });
    expect(updated.metadata.labels).toEqual({ kept: 'yes' });
  });

  it('lists by namespace and selectors', () => {
    store.create(NAMESPACES, namespace('other'));
    store.create(PODS, pod('demo', 'a', { app: 'x', tier: 'web' }));
    store.create(PODS, pod('demo', 'b', { app: 'y' }));
    store.create(PODS, pod('other', 'c', { app: 'x' }));
    const names = (items: KubeObject[]) =>
      items.map(i => i.metadata.name).sort();

    expect(names(store.list(PODS))).toEqual(['a', 'b', 'c']);
    expect(names(store.list(PODS, { namespace: 'demo' }))).toEqual(['a', 'b']);
    expect(names(store.list(PODS, { labelSelector: 'app=x' }))).toEqual([
      'a',
      'c',
    ]);
    expect(
      names(store.list(PODS, { labelSelector: 'app in (x,y),!tier' })),
    ).toEqual(['b', 'c']);
    expect(
      names(store.list(PODS, { fieldSelector: 'metadata.name!=a' })),
    ).toEqual(['b', 'c']);
    expect(
      names(store.list(PODS, { fieldSelector: 'metadata.namespace=other' })),
    ).toEqual(['c']);
  });

  it('hands out copies, so callers cannot change stored objects', () => {
    store.create(CONFIGMAPS, configMap('demo', 'cm', { a: '1' }));
    const copy = store.get(CONFIGMAPS, 'demo', 'cm')!;
    (copy.data as Record<string, string>).a = 'changed';
    expect(store.get(CONFIGMAPS, 'demo', 'cm')?.data).toEqual({ a: '1' });
  });

  it('deletes everything in a deleted namespace', () => {
    store.create(NAMESPACES, namespace('keep'));
    store.create(PODS, pod('demo', 'a'));
    store.create(CONFIGMAPS, configMap('demo', 'cm'));
    store.create(PODS, pod('keep', 'b'));
    const events: StoreEvent[] = [];
    store.subscribe(event => events.push(event));

    store.delete(NAMESPACES, undefined, 'demo');

    expect(store.get(NAMESPACES, undefined, 'demo')).toBeUndefined();
    expect(store.list(PODS).map(p => p.metadata.name)).toEqual(['b']);
    expect(store.list(CONFIGMAPS)).toEqual([]);
    expect(
      events.map(
        e => `${e.type} ${e.resource.plural}/${e.object.metadata.name}`,
      ),
    ).toEqual([
      'MODIFIED namespaces/demo',
      'DELETED pods/a',
      'DELETED configmaps/cm',
      'DELETED namespaces/demo',
    ]);
  });

  it('collects dependents through ownerReferences', () => {
    const deployment = store.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'demo' },
      spec: {},
    });
    const owner = (object: KubeObject) => [
      {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name!,
        uid: object.metadata.uid!,
        controller: true,
      },
    ];
    const replicaSet = store.create(REPLICASETS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-1',
        namespace: 'demo',
        ownerReferences: owner(deployment),
      },
      spec: {},
    });
    store.create(PODS, {
      ...pod('demo', 'web-1-a'),
      metadata: {
        name: 'web-1-a',
        namespace: 'demo',
        ownerReferences: owner(replicaSet),
      },
    });
    store.create(PODS, pod('demo', 'standalone'));

    store.delete(DEPLOYMENTS, 'demo', 'web');

    expect(store.list(REPLICASETS)).toEqual([]);
    expect(store.list(PODS).map(p => p.metadata.name)).toEqual(['standalone']);
  });

  it('orphans dependents with propagationPolicy Orphan', () => {
    const owner = store.create(CONFIGMAPS, configMap('demo', 'owner'));
    store.create(CONFIGMAPS, {
      ...configMap('demo', 'dependent'),
      metadata: {
        name: 'dependent',
        namespace: 'demo',
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'owner',
            uid: owner.metadata.uid!,
          },
        ],
      },
    });
    store.delete(CONFIGMAPS, 'demo', 'owner', { propagationPolicy: 'Orphan' });
    const dependent = store.get(CONFIGMAPS, 'demo', 'dependent');
    expect(dependent?.metadata.ownerReferences).toBeUndefined();
  });

  it('honours dryRun and delete preconditions', () => {
    const writes = store.writeCount();
    const dry = store.create(CONFIGMAPS, configMap('demo', 'cm'), {
      dryRun: true,
    });
    expect(dry.metadata.name).toBe('cm');
    expect(store.get(CONFIGMAPS, 'demo', 'cm')).toBeUndefined();
    expect(store.writeCount()).toBe(writes);

    const created = store.create(CONFIGMAPS, configMap('demo', 'cm'));
    expect(
      caught(() =>
        store.delete(CONFIGMAPS, 'demo', 'cm', {
          preconditions: { resourceVersion: '1' },
        }),
      ),
    ).toMatchObject({ code: 409 });
    store.delete(CONFIGMAPS, 'demo', 'cm', {
      preconditions: { uid: created.metadata.uid },
    });
    expect(caught(() => store.delete(CONFIGMAPS, 'demo', 'cm'))).toMatchObject({
      code: 404,
      reason: 'NotFound',
    });
  });

  it('runs admission on create and update, which may mutate or refuse', () => {
    const operations: string[] = [];
    store.addAdmission(PODS, ({ operation, object }) => {
      operations.push(operation);
      if (object.metadata.labels?.refuse) {
        throw new ApiError(500, 'InternalError', 'failed calling webhook');
      }
      return {
        ...object,
        metadata: { ...object.metadata, annotations: { admitted: 'yes' } },
      };
    });
    const created = store.create(PODS, pod('demo', 'p'));
    expect(created.metadata.annotations).toEqual({ admitted: 'yes' });
    expect(
      caught(() => store.create(PODS, pod('demo', 'q', { refuse: 'yes' }))),
    ).toMatchObject({
      code: 500,
    });
    expect(store.get(PODS, 'demo', 'q')).toBeUndefined();
    store.update(PODS, {
      ...created,
      metadata: { ...created.metadata, labels: { a: 'b' } },
    });
    expect(operations).toEqual(['CREATE', 'CREATE', 'UPDATE']);
  });

  it('delivers events in resourceVersion order even when a listener writes', () => {
    const seen: string[] = [];
    store.subscribe(event => {
      if (event.object.metadata.name === 'first') {
        store.create(CONFIGMAPS, configMap('demo', 'second'));
      }
    });
    store.subscribe(event => seen.push(event.object.metadata.resourceVersion!));
    store.create(CONFIGMAPS, configMap('demo', 'first'));
    expect(seen.map(Number)).toEqual(
      [...seen.map(Number)].sort((a, b) => a - b),
    );
    expect(seen).toHaveLength(2);
  });

  it('replays history and answers 410 beyond it', () => {
    const small = new ClusterStore({ historySize: 3 });
    small.create(NAMESPACES, namespace('demo'));
    const start = Number(small.resourceVersion());
    for (const name of ['a', 'b', 'c']) {
      small.create(CONFIGMAPS, configMap('demo', name));
    }
    expect(small.eventsSince(start).map(e => e.object.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    small.create(CONFIGMAPS, configMap('demo', 'd'));
    expect(caught(() => small.eventsSince(start))).toMatchObject({
      code: 410,
      reason: 'Expired',
    });
    expect(
      small.eventsSince(start + 1).map(e => e.object.metadata.name),
    ).toEqual(['b', 'c', 'd']);
  });

  it('watches with selectors, turning objects leaving the selector into DELETED', () => {
    const created = store.create(PODS, pod('demo', 'p', { app: 'x' }));
    const events: string[] = [];
    const stop = store.watch(PODS, { labelSelector: 'app=x' }, event =>
      events.push(`${event.type} ${event.object.metadata.name}`),
    );
    const moved = store.update(PODS, {
      ...created,
      metadata: { ...created.metadata, labels: { app: 'y' } },
    });
    store.update(PODS, {
      ...moved,
      metadata: { ...moved.metadata, labels: { app: 'x' } },
    });
    stop();
    store.delete(PODS, 'demo', 'p');
    expect(events).toEqual(['ADDED p', 'DELETED p', 'ADDED p']);
  });

  it('serves a CustomResourceDefinition as soon as it is created', () => {
    const crd = store.create(CRDS, smmrCrd);
    expect(crd.status).toMatchObject({
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Established', status: 'True' }),
      ]),
    });
    expect(store.resource(SMMRS)).toMatchObject({
      kind: 'ServiceMeshMemberRoll',
      version: 'v1',
      namespaced: true,
      shortNames: ['smmr'],
      subresources: ['status'],
      printerColumns: [{ name: 'Members', jsonPath: '.spec.members' }],
    });
    const smmr = store.create(SMMRS, {
      apiVersion: 'maistra.io/v1',
      kind: 'ServiceMeshMemberRoll',
      metadata: { name: 'default', namespace: 'demo' },
      spec: { members: ['a'] },
    });
    expect(smmr.metadata.uid).toBeDefined();

    store.delete(CRDS, undefined, crd.metadata.name!);
    expect(store.resource(SMMRS)).toBeUndefined();
    expect(caught(() => store.list(SMMRS))).toMatchObject({ code: 404 });
  });

  it('rejects a CRD whose name does not match its names', () => {
    expect(
      caught(() =>
        store.create(CRDS, {
          ...smmrCrd,
          metadata: { name: 'wrong.maistra.io' },
        }),
      ),
    ).toMatchObject({ code: 422 });
  });

  it('holds 500 namespaces and 10,000 pods with namespace lists that stay small', () => {
    const big = new ClusterStore();
    for (let n = 0; n < 500; n++) {
      big.create(NAMESPACES, namespace(`ns-${n}`));
      for (let p = 0; p < 20; p++) {
        big.create(PODS, pod(`ns-${n}`, `pod-${p}`, { app: `app-${p % 4}` }));
      }
    }
    expect(big.snapshot(PODS).items).toHaveLength(10_000);
    expect(big.snapshot(PODS, { namespace: 'ns-42' }).items).toHaveLength(20);
    expect(
      big.snapshot(PODS, { labelSelector: 'app=app-1' }).items,
    ).toHaveLength(2_500);
  });
});
