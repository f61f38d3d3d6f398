import { InputError } from '@backstage/errors';
import { namespacesOfEntity, readEntityScope } from './entityScope';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'reviews', annotations },
});

const cluster = {
  name: 'demo-istio',
  namespaceExists: (name: string) => ['bookinfo', 'orders'].includes(name),
  workloads: () => [
    {
      metadata: {
        namespace: 'bookinfo',
        labels: { 'backstage.io/kubernetes-id': 'reviews', app: 'reviews' },
      },
    },
    {
      metadata: {
        namespace: 'orders',
        labels: { 'backstage.io/kubernetes-id': 'orders', app: 'orders' },
      },
    },
    {
      metadata: {
        namespace: 'orders-canary',
        labels: { 'backstage.io/kubernetes-id': 'reviews', app: 'reviews' },
      },
    },
  ],
};

describe('entity scope', () => {
  it('uses the namespace annotation when that namespace exists', () => {
    const scope = readEntityScope(
      entity({ 'backstage.io/kubernetes-namespace': 'orders' }),
    );
    expect(namespacesOfEntity(scope, cluster)).toEqual(['orders']);
    const missing = readEntityScope(
      entity({ 'backstage.io/kubernetes-namespace': 'payments' }),
    );
    expect(namespacesOfEntity(missing, cluster)).toEqual([]);
  });

  it('finds the namespaces of workloads labelled with the kubernetes-id', () => {
    const scope = readEntityScope(
      entity({ 'backstage.io/kubernetes-id': 'reviews' }),
    );
    expect(namespacesOfEntity(scope, cluster)).toEqual([
      'bookinfo',
      'orders-canary',
    ]);
  });

  it('prefers the label selector over the id', () => {
    const scope = readEntityScope(
      entity({
        'backstage.io/kubernetes-id': 'reviews',
        'backstage.io/kubernetes-label-selector': 'app=orders',
      }),
    );
    expect(namespacesOfEntity(scope, cluster)).toEqual(['orders']);
  });

  it('limits the entity to its cluster annotation', () => {
    const scope = readEntityScope(
      entity({
        'backstage.io/kubernetes-id': 'reviews',
        'backstage.io/kubernetes-cluster': 'demo-ossm2',
      }),
    );
    expect(namespacesOfEntity(scope, cluster)).toEqual([]);
  });

  it('rejects a malformed label selector annotation with an InputError', () => {
    expect(() =>
      readEntityScope(
        entity({ 'backstage.io/kubernetes-label-selector': 'app in x' }),
      ),
    ).toThrow(InputError);
  });

  it('gives no namespaces to an entity without Kubernetes annotations', () => {
    expect(namespacesOfEntity(readEntityScope(entity({})), cluster)).toEqual(
      [],
    );
  });
});
