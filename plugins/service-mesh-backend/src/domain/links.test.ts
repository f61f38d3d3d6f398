import {
  discoverLinkBases,
  jaegerSearchUrl,
  kialiConsole,
  kialiGraphUrl,
  kialiServiceUrl,
  mergeLinkBases,
  routeUrl,
} from './links';
import { emptyClusterSnapshot } from './snapshot';

describe('Kiali links', () => {
  it.each([
    ['https://kiali.example.com', 'https://kiali.example.com/console'],
    ['https://kiali.example.com/', 'https://kiali.example.com/console'],
    ['https://x.example.com/kiali', 'https://x.example.com/kiali/console'],
    [
      'https://x.example.com/kiali/console/',
      'https://x.example.com/kiali/console',
    ],
  ])('%s → %s', (base, console) => {
    expect(kialiConsole(base)).toBe(console);
  });

  it('builds graph and detail pages', () => {
    expect(kialiGraphUrl('https://k', ['a', 'b'])).toBe(
      'https://k/console/graph/namespaces/?namespaces=a,b&graphType=versionedApp',
    );
    expect(kialiServiceUrl('https://k/kiali', 'demo', 'httpbin')).toBe(
      'https://k/kiali/console/namespaces/demo/services/httpbin',
    );
  });
});

describe('Jaeger links', () => {
  it('searches for <app>.<namespace>', () => {
    expect(jaegerSearchUrl('https://j/', 'httpbin', 'demo')).toBe(
      'https://j/search?service=httpbin.demo&lookback=1h',
    );
  });
});

describe('discoverLinkBases', () => {
  it('prefers Routes, then Ingresses, and configured bases over both', () => {
    const snapshot = {
      ...emptyClusterSnapshot('c'),
      routes: [
        {
          apiVersion: 'route.openshift.io/v1',
          kind: 'Route',
          metadata: { name: 'tracing', namespace: 'istio-system' },
          spec: { host: 'tracing.apps', to: { name: 'jaeger-query' } },
        },
      ],
      ingresses: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'addons', namespace: 'istio-system' },
          spec: {
            tls: [{ hosts: ['mesh.example.com'] }],
            rules: [
              {
                host: 'mesh.example.com',
                http: {
                  paths: [
                    { path: '/kiali', backend: { service: { name: 'kiali' } } },
                  ],
                },
              },
            ],
          },
        },
      ],
    };
    const discovered = discoverLinkBases(snapshot, 'istio-system');
    expect(discovered).toEqual({
      kiali: 'https://mesh.example.com/kiali',
      jaeger: 'http://tracing.apps',
      grafana: undefined,
    });
    expect(
      mergeLinkBases({ grafana: 'https://g', jaeger: 'https://j' }, discovered),
    ).toEqual({
      kiali: 'https://mesh.example.com/kiali',
      jaeger: 'https://j',
      grafana: 'https://g',
    });
    expect(discoverLinkBases(snapshot, 'elsewhere')).toEqual({
      kiali: undefined,
      jaeger: undefined,
      grafana: undefined,
    });
  });

  it('uses https for TLS routes', () => {
    expect(
      routeUrl({
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: { name: 'kiali' },
        spec: { host: 'kiali.apps', tls: { termination: 'edge' } },
      }),
    ).toBe('https://kiali.apps');
  });
});
