import { externalHostProblem, externalServiceEntry } from './serviceEntry';

describe('externalHostProblem', () => {
  it.each(['api.stripe.com', 'hooks.slack.com', 'a-b.example.co.uk'])(
    'accepts %s',
    host => {
      expect(externalHostProblem(host)).toBeUndefined();
    },
  );

  it.each([
    ['', /Give an external host/],
    [42, /Give an external host/],
    ['*/api.stripe.com', /not an egress host/],
    ['*', /not a wildcard/],
    ['*.stripe.com', /not a wildcard/],
    ['localhost', /not a dotted DNS name/],
    ['API.stripe.com', /not a dotted DNS name/],
    ['api..stripe.com', /not a dotted DNS name/],
    ['api.stripe.com.', /not a dotted DNS name/],
    ['10.0.0.1', /an IP address/],
    ['reviews.bookinfo.svc', /cluster-local/],
    ['reviews.bookinfo.svc.cluster.local', /cluster-local/],
  ])('refuses %p', (host, problem) => {
    expect(externalHostProblem(host)).toMatch(problem);
  });

  it('knows a cluster domain other than cluster.local', () => {
    expect(
      externalHostProblem('db.prod.corp.internal', 'corp.internal'),
    ).toMatch(/cluster-local/);
    expect(externalHostProblem('db.prod.corp.internal')).toBeUndefined();
  });
});

describe('externalServiceEntry', () => {
  it('declares the hosts outside the mesh, by DNS, for its namespace only, TLS on 443 by default', () => {
    expect(
      externalServiceEntry({
        namespace: 'payments',
        hosts: ['api.stripe.com', 'api.stripe.com', 'hooks.slack.com'],
      }),
    ).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'external-hosts', namespace: 'payments' },
      spec: {
        hosts: ['api.stripe.com', 'hooks.slack.com'],
        exportTo: ['.'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
      },
    });
  });

  it('declares the chosen protocol and name', () => {
    const entry = externalServiceEntry({
      namespace: 'payments',
      hosts: ['example.com'],
      name: 'example',
      protocol: 'HTTP',
    });
    expect(entry.metadata.name).toBe('example');
    expect(entry.spec.ports).toEqual([
      { number: 80, name: 'http', protocol: 'HTTP' },
    ]);
  });
});
