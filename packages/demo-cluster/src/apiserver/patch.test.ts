import { ClusterStore } from './ClusterStore';
import { applyPatch, mergePatch } from './patch';
import { ApiError, KubeObject } from './types';

const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'demo',
    labels: { app: 'web', tier: 'fe' },
  },
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'side:1' },
        ],
      },
    },
  },
};

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('applyPatch', () => {
  it('applies JSON patch and answers a failed test op with 422', () => {
    const patched = applyPatch(deployment, 'application/json-patch+json', [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ]);
    expect((patched.spec as any).replicas).toBe(3);
    expect((deployment.spec as any).replicas).toBe(2);

    expect(
      caught(() =>
        applyPatch(deployment, 'application/json-patch+json', [
          { op: 'test', path: '/spec/replicas', value: 5 },
          { op: 'replace', path: '/spec/replicas', value: 3 },
        ]),
      ),
    ).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('applies RFC 7386 merge patch: maps merge, null deletes, lists replace', () => {
    expect(
      mergePatch(
        { a: { b: 1, c: 2 }, list: [1, 2], gone: true },
        { a: { c: null, d: 4 }, list: [3], gone: null },
      ),
    ).toEqual({ a: { b: 1, d: 4 }, list: [3] });
  });

  it('merges labels and the restart annotation with strategic merge patch', () => {
    const patched = applyPatch(
      deployment,
      'application/strategic-merge-patch+json',
      {
        metadata: { labels: { tier: null, 'istio.io/rev': 'canary' } },
        spec: {
          template: {
            metadata: {
              annotations: {
                'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z',
              },
            },
          },
        },
      },
    );
    expect(patched.metadata.labels).toEqual({
      app: 'web',
      'istio.io/rev': 'canary',
    });
    expect((patched.spec as any).template.metadata).toEqual({
      labels: { app: 'web' },
      annotations: {
        'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z',
      },
    });
  });

  it('merges containers by name and honours $patch: delete', () => {
    const patched = applyPatch(
      deployment,
      'application/strategic-merge-patch+json; charset=utf-8',
      {
        spec: {
          template: {
            spec: {
              $setElementOrder: 'ignored',
              containers: [
                {
                  name: 'app',
                  image: 'app:2',
                  env: [{ name: 'B', value: '2' }],
                },
                { name: 'sidecar', $patch: 'delete' },
                { name: 'new', image: 'new:1' },
              ],
            },
          },
        },
      },
    );
    expect((patched.spec as any).template.spec.containers).toEqual([
      {
        name: 'app',
        image: 'app:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'new', image: 'new:1' },
    ]);
  });

  it('refuses server-side apply and unknown types with 415', () => {
    expect(
      caught(() => applyPatch(deployment, 'application/apply-patch+yaml', {})),
    ).toMatchObject({ code: 415 });
    expect(
      caught(() => applyPatch(deployment, 'text/plain', {})),
    ).toMatchObject({
      code: 415,
    });
  });
});

describe('ClusterStore.patch', () => {
  let store: ClusterStore;

  beforeEach(() => {
    store = new ClusterStore();
    store.create(
      { group: '', plural: 'namespaces' },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'demo' },
      },
    );
    store.create(DEPLOYMENTS, deployment);
  });

  it('stores the patched object with a new resourceVersion and generation', () => {
    const before = store.get(DEPLOYMENTS, 'demo', 'web')!;
    const after = store.patch(
      DEPLOYMENTS,
      'demo',
      'web',
      'application/merge-patch+json',
      { spec: { replicas: 5 } },
    );
    expect((after.spec as any).replicas).toBe(5);
    expect(after.metadata.generation).toBe(2);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
  });

  it('leaves the object unchanged when a test op fails', () => {
    const before = store.get(DEPLOYMENTS, 'demo', 'web');
    expect(
      caught(() =>
        store.patch(DEPLOYMENTS, 'demo', 'web', 'application/json-patch+json', [
          { op: 'test', path: '/metadata/labels/app', value: 'other' },
          { op: 'remove', path: '/metadata/labels/app' },
        ]),
      ),
    ).toMatchObject({ code: 422 });
    expect(store.get(DEPLOYMENTS, 'demo', 'web')).toEqual(before);
  });

  it('treats a resourceVersion in the patch as a precondition', () => {
    expect(
      caught(() =>
        store.patch(
          DEPLOYMENTS,
          'demo',
          'web',
          'application/merge-patch+json',
          {
            metadata: { resourceVersion: '1' },
            spec: { replicas: 9 },
          },
        ),
      ),
    ).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('patches only status through the status subresource', () => {
    const after = store.patch(
      DEPLOYMENTS,
      'demo',
      'web',
      'application/merge-patch+json',
      { spec: { replicas: 7 }, status: { readyReplicas: 2 } },
      { subresource: 'status' },
    );
    expect(after.status).toEqual({ readyReplicas: 2 });
    expect((after.spec as any).replicas).toBe(2);
  });
});
