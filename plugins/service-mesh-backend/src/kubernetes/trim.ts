import type { CollectionKey } from './collections';

const KEPT_POD_ANNOTATION_PREFIXES = [
  'sidecar.istio.io/',
  'kubectl.kubernetes.io/restartedAt',
];

/**
 * Drops what the mesh status never reads. Pods are the bulk of a cluster, so
 * they keep only labels, mesh annotations, owners, container names and images,
 * and the phase; other kinds drop managedFields and last-applied copies.
 */
export function trimObject(key: CollectionKey, object: any): any {
  const metadata = trimMetadata(object.metadata ?? {});
  if (key !== 'pods') {
    return { ...object, metadata };
  }
  const annotations = Object.fromEntries(
    Object.entries<string>(metadata.annotations ?? {}).filter(([name]) =>
      KEPT_POD_ANNOTATION_PREFIXES.some(prefix => name.startsWith(prefix)),
    ),
  );
  const container = (c: any) => ({
    name: c.name,
    image: c.image,
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...metadata, annotations },
    spec: {
      containers: (object.spec?.containers ?? []).map(container),
      initContainers: (object.spec?.initContainers ?? []).map(container),
      ...(object.spec?.hostNetwork ? { hostNetwork: true } : {}),
    },
    status: {
      phase: object.status?.phase,
      // The upgrade gate reads readiness and CrashLoopBackOff, also of native sidecars.
      conditions: (object.status?.conditions ?? [])
        .filter((c: any) => c.type === 'Ready')
        .map((c: any) => ({ type: c.type, status: c.status })),
      containerStatuses: (object.status?.containerStatuses ?? []).map(
        containerStatus,
      ),
      initContainerStatuses: (object.status?.initContainerStatuses ?? []).map(
        containerStatus,
      ),
    },
  };
}

function containerStatus(s: any) {
  const waiting = s.state?.waiting?.reason;
  return {
    name: s.name,
    ready: s.ready,
    restartCount: s.restartCount,
    ...(waiting ? { state: { waiting: { reason: waiting } } } : {}),
  };
}

function trimMetadata(metadata: any) {
  const { managedFields: _managedFields, ...rest } = metadata;
  if (rest.annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
    const {
      'kubectl.kubernetes.io/last-applied-configuration': _lastApplied,
      ...annotations
    } = rest.annotations;
    rest.annotations = annotations;
  }
  return rest;
}
