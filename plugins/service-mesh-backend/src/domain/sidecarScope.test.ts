import {
  countVisibleServices,
  defaultEgressHosts,
  egressHostProblem,
} from './sidecarScope';
import { validateSidecarSchema } from './sidecarSchema';
import { service } from './__fixtures__';

describe('egressHostProblem', () => {
  it.each([
    './*',
    '*/*',
    '~/*',
    'istio-system/*',
    'other/*.other.svc.cluster.local',
    'other/reviews.other.svc.cluster.local',
  ])('accepts %s', host => {
    expect(egressHostProblem(host)).toBeUndefined();
  });

  it.each(['*', 'reviews', '/x', 'Other/*', 'a/b c', 'a/-x.example', ''])(
    'rejects %j',
    host => {
      expect(egressHostProblem(host)).toEqual(expect.any(String));
    },
  );
});

describe('countVisibleServices', () => {
  const services = [
    service('a', 'demo'),
    service('b', 'demo'),
    service('istiod', 'istio-system'),
    service('reviews', 'other'),
    service('ratings', 'other'),
  ];

  it('counts by namespace and DNS name', () => {
    expect(
      countVisibleServices(
        services,
        defaultEgressHosts('istio-system'),
        'demo',
      ),
    ).toBe(3);
    expect(countVisibleServices(services, ['*/*'], 'demo')).toBe(5);
    expect(countVisibleServices(services, ['~/*'], 'demo')).toBe(0);
    expect(
      countVisibleServices(
        services,
        ['other/reviews.other.svc.cluster.local'],
        'demo',
      ),
    ).toBe(1);
    expect(
      countVisibleServices(services, ['*/*.other.svc.cluster.local'], 'demo'),
    ).toBe(2);
  });
});

describe('validateSidecarSchema', () => {
  it('accepts a valid Sidecar and explains an invalid one', () => {
    const sidecar = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'demo' },
      spec: { egress: [{ hosts: ['./*'] }] },
    };
    expect(validateSidecarSchema(sidecar)).toEqual([]);
    expect(
      validateSidecarSchema({
        ...sidecar,
        spec: { egress: [{ hosts: 'x' as any }] },
      }),
    ).toEqual(['/spec/egress/0/hosts must be array']);
  });
});
