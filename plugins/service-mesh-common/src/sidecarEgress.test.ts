import {
  defaultEgressHosts,
  egressHostProblem,
  isExternalEgressHost,
  suggestedEgressHost,
} from './sidecarEgress';

describe('egressHostProblem', () => {
  it.each([
    './*',
    '*/*',
    '~/*',
    'istio-system/*',
    'payments/payments-api.payments.svc.cluster.local',
    './*.example.com',
  ])('accepts %s', host => {
    expect(egressHostProblem(host)).toBeUndefined();
  });

  it.each([
    ['payments', /namespace\/dnsName/],
    ['Payments/*', /not a namespace name/],
    ['payments/', /not a DNS name/],
    ['payments/bad_host', /not a DNS name/],
    ['./*.', /not a DNS name/],
    ['', /Enter an egress host/],
  ])('refuses %s', (host, problem) => {
    expect(egressHostProblem(host)).toMatch(problem);
  });
});

describe('defaultEgressHosts', () => {
  it('is this namespace and the control plane', () => {
    expect(defaultEgressHosts('istio-system')).toEqual([
      './*',
      'istio-system/*',
    ]);
  });
});

describe('egressHostProblem on what is not a string', () => {
  it.each([undefined, 42, null])('refuses %p', value => {
    expect(egressHostProblem(value)).toMatch(/Enter an egress host/);
  });
});

describe('suggestedEgressHost', () => {
  it('suggests */host for a plain DNS name, and says so in the problem', () => {
    expect(suggestedEgressHost('api.stripe.com')).toBe('*/api.stripe.com');
    expect(suggestedEgressHost(' api.stripe.com ')).toBe('*/api.stripe.com');
    expect(egressHostProblem('api.stripe.com')).toMatch(
      /that is \*\/api\.stripe\.com$/,
    );
  });

  it('suggests nothing for what is already namespace/host, a bare word or not a DNS name', () => {
    expect(suggestedEgressHost('payments/*')).toBeUndefined();
    expect(suggestedEgressHost('payments')).toBeUndefined();
    expect(suggestedEgressHost('Not A.Host')).toBeUndefined();
  });
});

describe('isExternalEgressHost', () => {
  it.each([
    ['*/api.stripe.com', true],
    ['./api.stripe.com', true],
    ['payments/*', false],
    ['*/*.example.com', false],
    ['./reviews.bookinfo.svc.cluster.local', false],
    ['./reviews.bookinfo.svc', false],
    ['./reviews', false],
  ])('%s: %s', (host, external) => {
    expect(isExternalEgressHost(host)).toBe(external);
  });
});
