import {
  ISTIO_REVISION_LABEL,
  SIDECAR_STATUS_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { Container, Pod } from './kube';

/** The sidecar proxy running in a pod. */
export interface PodProxy {
  /** Revision that injected it. */
  revision: string;
  /** proxyv2 image tag, such as `1.24.2`; absent for digest-pinned images. */
  version?: string;
  image?: string;
  /** Whether the proxy runs as a native sidecar (an init container with restartPolicy Always). */
  nativeSidecar: boolean;
}

export const PROXY_CONTAINER_NAME = 'istio-proxy';

/**
 * Pods that count for status: Completed (Succeeded or Failed) pods have no
 * running proxy, and terminating pods are already being replaced.
 */
export function isActivePod(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return (
    phase !== 'Succeeded' &&
    phase !== 'Failed' &&
    pod.metadata.deletionTimestamp === undefined
  );
}

function proxyContainer(
  pod: Pod,
): { container: Container; native: boolean } | undefined {
  const regular = pod.spec.containers.find(
    c => c.name === PROXY_CONTAINER_NAME,
  );
  if (regular) {
    return { container: regular, native: false };
  }
  // With native sidecars (Istio 1.19+ on Kubernetes 1.28+) the proxy is an
  // init container that keeps running.
  const init = pod.spec.initContainers?.find(
    c => c.name === PROXY_CONTAINER_NAME,
  );
  return init ? { container: init, native: true } : undefined;
}

/** The `revision` of the injector's status annotation, if it parses. */
export function sidecarStatusRevision(annotation: string | undefined): {
  present: boolean;
  revision?: string;
} {
  if (annotation === undefined) {
    return { present: false };
  }
  try {
    const parsed = JSON.parse(annotation);
    const revision =
      parsed && typeof parsed.revision === 'string' && parsed.revision !== ''
        ? parsed.revision
        : undefined;
    return { present: true, revision };
  } catch {
    return { present: true };
  }
}

/**
 * The version in a proxyv2 image reference: the tag after the last path
 * segment, without Istio's image-type suffixes. Digest references carry no
 * version.
 */
export function proxyImageVersion(
  image: string | undefined,
): string | undefined {
  if (!image) {
    return undefined;
  }
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) {
    return undefined;
  }
  const tag = lastSegment.slice(colon + 1);
  return tag.replace(/-(distroless|debug)$/, '') || undefined;
}

/** The pod's proxy, or `undefined` when it has no sidecar. */
export function podProxy(pod: Pod): PodProxy | undefined {
  const found = proxyContainer(pod);
  if (!found) {
    return undefined;
  }
  const status = sidecarStatusRevision(
    pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION],
  );
  // A status without `revision` comes from the default (unnamed) revision.
  const revision =
    status.revision ?? pod.metadata.labels?.[ISTIO_REVISION_LABEL] ?? 'default';
  return {
    revision,
    version: proxyImageVersion(found.container.image),
    image: found.container.image,
    nativeSidecar: found.native,
  };
}

/** Proxies of several pods counted by revision and version. */
export function countProxies(
  pods: Pod[],
): { revision: string; version?: string; pods: number }[] {
  const counts = new Map<
    string,
    { revision: string; version?: string; pods: number }
  >();
  for (const pod of pods) {
    const proxy = podProxy(pod);
    if (proxy) {
      const key = `${proxy.revision}\u0000${proxy.version ?? ''}`;
      const entry = counts.get(key) ?? {
        revision: proxy.revision,
        version: proxy.version,
        pods: 0,
      };
      entry.pods += 1;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort(
    (a, b) =>
      a.revision.localeCompare(b.revision) ||
      (a.version ?? '').localeCompare(b.version ?? ''),
  );
}
