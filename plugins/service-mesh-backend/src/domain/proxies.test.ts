import {
  countProxies,
  isActivePod,
  podProxy,
  proxyImageVersion,
  sidecarStatusRevision,
} from './proxies';
import { deployment, injectedPodIstio124, podOf } from './__fixtures__';

describe('podProxy', () => {
  it('reads the Istio 1.24 injected pod', () => {
    expect(podProxy(injectedPodIstio124())).toEqual({
      revision: 'default',
      version: '1.24.2',
      image: 'docker.io/istio/proxyv2:1.24.2',
      nativeSidecar: false,
    });
  });

  it('finds native sidecars among init containers', () => {
    const pod = podOf(deployment('web', 'demo'), 'a', {
      proxy: { revision: 'canary', version: '1.25.0', native: true },
    });
    expect(podProxy(pod)).toMatchObject({
      revision: 'canary',
      version: '1.25.0',
      nativeSidecar: true,
    });
  });

  it('does not take istio-init for a proxy', () => {
    const pod = injectedPodIstio124();
    pod.spec.containers = pod.spec.containers.filter(
      c => c.name !== 'istio-proxy',
    );
    expect(podProxy(pod)).toBeUndefined();
  });

  it('falls back to the revision label, then to default', () => {
    const pod = injectedPodIstio124();
    pod.metadata.annotations!['sidecar.istio.io/status'] =
      '{"containers":["istio-proxy"]}';
    pod.metadata.labels!['istio.io/rev'] = '1-23-1';
    expect(podProxy(pod)?.revision).toBe('1-23-1');
    delete pod.metadata.labels!['istio.io/rev'];
    expect(podProxy(pod)?.revision).toBe('default');
    pod.metadata.annotations!['sidecar.istio.io/status'] = 'not json';
    expect(podProxy(pod)?.revision).toBe('default');
  });

  it('returns nothing for a pod without sidecar', () => {
    expect(podProxy(podOf(deployment('web', 'demo'), 'a'))).toBeUndefined();
  });
});

describe('proxyImageVersion', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.24.2', '1.24.2'],
    ['gcr.io/istio-release/proxyv2:1.26.0-distroless', '1.26.0'],
    ['mirror.local:5000/istio/proxyv2:1.22.1', '1.22.1'],
    ['registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.1', '2.5.1'],
    [
      'registry.redhat.io/openshift-service-mesh/istio-proxyv2-rhel9@sha256:abc',
      undefined,
    ],
    ['mirror.local:5000/istio/proxyv2', undefined],
    [undefined, undefined],
  ])('%s → %s', (image, version) => {
    expect(proxyImageVersion(image)).toBe(version);
  });
});

describe('isActivePod', () => {
  const web = deployment('web', 'demo');
  it('skips Completed and terminating pods', () => {
    expect(isActivePod(podOf(web, 'a'))).toBe(true);
    expect(isActivePod(podOf(web, 'b', { phase: 'Pending' }))).toBe(true);
    expect(isActivePod(podOf(web, 'c', { phase: 'Succeeded' }))).toBe(false);
    expect(isActivePod(podOf(web, 'd', { phase: 'Failed' }))).toBe(false);
    expect(isActivePod(podOf(web, 'e', { terminating: true }))).toBe(false);
  });
});

describe('countProxies', () => {
  it('groups by revision and version', () => {
    const web = deployment('web', 'demo');
    expect(
      countProxies([
        podOf(web, 'a', { proxy: { revision: 'canary', version: '1.25.0' } }),
        podOf(web, 'b', { proxy: { version: '1.24.2' } }),
        podOf(web, 'c', { proxy: { version: '1.24.2' } }),
        podOf(web, 'd'),
      ]),
    ).toEqual([
      { revision: 'canary', version: '1.25.0', pods: 1 },
      { revision: 'default', version: '1.24.2', pods: 2 },
    ]);
  });
});

describe('sidecarStatusRevision', () => {
  it('tells an absent annotation from one without revision', () => {
    expect(sidecarStatusRevision(undefined)).toEqual({ present: false });
    expect(sidecarStatusRevision('{}')).toEqual({
      present: true,
      revision: undefined,
    });
    expect(sidecarStatusRevision('{"revision":"canary"}')).toEqual({
      present: true,
      revision: 'canary',
    });
  });
});
