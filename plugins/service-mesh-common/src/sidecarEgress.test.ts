import { defaultEgressHosts, egressHostProblem } from './sidecarEgress';

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
