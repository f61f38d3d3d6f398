import { ClusterStore } from './ClusterStore';
import { KubeObject, StoreEvent } from './types';

const NAMESPACES = { group: '', plural: 'namespaces' };
const PODS = { group: '', plural: 'pods' };

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop' },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
});

describe('server-side dry run (dryRun=All)', () => {
  let store: ClusterStore;
  let events: StoreEvent[];
  const dryRun = { dryRun: true };

  beforeEach(() => {
    store = new ClusterStore();
    store.create(NAMESPACES, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
    // Stands in for the sidecar injector (on create only): admission runs on
    // dry runs too.
    store.addAdmission(PODS, ({ operation, object }) =>
      operation !== 'CREATE'
        ? object
        : {
            ...object,
            spec: {
              ...(object.spec as object),
              containers: [
                ...(object.spec as { containers: object[] }).containers,
                { name: 'istio-proxy', image: 'proxyv2' },
              ],
            },
          },
    );
    store.create(PODS, pod('stored'));
    events = [];
    store.subscribe(event => events.push(event));
  });

  const containers = (object: KubeObject) =>
    (object.spec as { containers: Array<{ name: string }> }).containers.map(
      c => c.name,
    );

  it('create returns the admitted object, stores nothing and tells no watcher', () => {
    const writes = store.writeCount();
    const created = store.create(PODS, pod('dry'), dryRun);
    expect(containers(created)).toEqual(['app', 'istio-proxy']);
    expect(created.metadata.uid).toBeDefined();
    expect(store.get(PODS, 'shop', 'dry')).toBeUndefined();
    expect(events).toEqual([]);
    expect(store.writeCount()).toBe(writes);
  });

  it('still validates: an invalid name is refused as it would be for real', () => {
    expect(() => store.create(PODS, pod('Bad_Name'), dryRun)).toThrow(
      expect.objectContaining({ code: 422, reason: 'Invalid' }),
    );
  });

  it('update, patch and delete change nothing', () => {
    const before = store.get(PODS, 'shop', 'stored')!;
    const updated = store.update(
      PODS,
      { ...before, metadata: { ...before.metadata, labels: { a: 'b' } } },
      dryRun,
    );
    expect(updated.metadata.labels).toEqual({ a: 'b' });
    const patched = store.patch(
      PODS,
      'shop',
      'stored',
      'application/merge-patch+json',
      { metadata: { annotations: { c: 'd' } } },
      dryRun,
    );
    expect(patched.metadata.annotations).toEqual({ c: 'd' });
    store.delete(PODS, 'shop', 'stored', dryRun);

    expect(store.get(PODS, 'shop', 'stored')).toEqual(before);
    expect(events).toEqual([]);
  });
});
