import type { KubeObject } from '../kube';
import { isDns1123Label } from '@mesh-backstage/plugin-service-mesh-common';
import { checkNamespaceName } from '../guards';
import { NEVER_INJECTED_NAMESPACES } from '../injection';
import { ClusterSnapshot, findNamespace } from '../snapshot';
import { createOperation } from './operations';
import { PlanOutcome, refused } from './outcome';

/** On a provisioned namespace: the catalog entity it was created for. */
export const PROVISIONED_FOR_ANNOTATION =
  'service-mesh.backstage.io/provisioned-for';
/** On a provisioned namespace: the user (or service) that asked for it. */
export const PROVISIONED_BY_ANNOTATION =
  'service-mesh.backstage.io/provisioned-by';

/** The kinds a new service may bring along; anything else is refused. */
const ALLOWED_MANIFESTS: Record<string, string> = {
  Deployment: 'apps/v1',
  Service: 'v1',
};

export interface ProvisionNamespaceRequest {
  namespace: string;
  /** The catalog entity the namespace is for, `kind:namespace/name`. */
  entityRef: string;
  /** Deployments and Services to create in the namespace. */
  manifests?: KubeObject[];
}

/**
 * Provisions the namespace of a service that is not in the catalog yet: it
 * creates the namespace, marked with who asked and for which entity, and
 * the manifests that do not exist yet. Only a namespace that does not exist,
 * or one provisioned earlier for the same entity by the same requester (a
 * retry), is accepted; existing objects are never changed.
 */
export function planProvisionNamespace(
  snapshot: ClusterSnapshot,
  request: ProvisionNamespaceRequest,
  requester: string,
): PlanOutcome {
  const name = checkNamespaceName(request.namespace);
  if (!name.ok) return name;
  if (
    NEVER_INJECTED_NAMESPACES.includes(request.namespace) ||
    request.namespace.startsWith('openshift-') ||
    request.namespace.startsWith('kube-')
  ) {
    return refused(
      'notAllowed',
      'SM-GUARD-SYSTEM-NAMESPACE',
      `${request.namespace} is a system namespace; it cannot be provisioned for a service`,
    );
  }
  const manifests = checkManifests(request);
  if (!manifests.ok) return manifests;

  const operations = [];
  const existing = findNamespace(snapshot, request.namespace);
  if (existing) {
    const annotations = existing.metadata.annotations ?? {};
    if (annotations[PROVISIONED_FOR_ANNOTATION] !== request.entityRef) {
      return refused(
        'conflict',
        'SM-PROVISION-NAMESPACE-EXISTS',
        `Namespace ${request.namespace} already exists on cluster ${snapshot.cluster} and was not provisioned for ${request.entityRef}; choose a new namespace, or add the entity to the catalog with its kubernetes annotations to act on it`,
      );
    }
    if (annotations[PROVISIONED_BY_ANNOTATION] !== requester) {
      return refused(
        'notAllowed',
        'SM-PROVISION-OTHER-REQUESTER',
        `Namespace ${request.namespace} was provisioned by ${annotations[PROVISIONED_BY_ANNOTATION]}, not by ${requester}`,
      );
    }
  } else {
    operations.push(
      createOperation(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: request.namespace,
            annotations: {
              [PROVISIONED_FOR_ANNOTATION]: request.entityRef,
              [PROVISIONED_BY_ANNOTATION]: requester,
            },
          },
        },
        `Create namespace ${request.namespace} for ${request.entityRef}`,
      ),
    );
  }
  for (const manifest of manifests.objects) {
    if (!exists(snapshot, manifest)) {
      operations.push(
        createOperation(
          manifest,
          `Create ${manifest.kind} ${request.namespace}/${manifest.metadata.name}`,
        ),
      );
    }
  }
  return { ok: true, change: { operations }, forced: [] };
}

function checkManifests(request: ProvisionNamespaceRequest) {
  const objects: KubeObject[] = [];
  const seen = new Set<string>();
  for (const [index, manifest] of (request.manifests ?? []).entries()) {
    const where = `manifests[${index}]`;
    const apiVersion = ALLOWED_MANIFESTS[manifest?.kind];
    if (!apiVersion || manifest.apiVersion !== apiVersion) {
      return refused(
        'input',
        'SM-INPUT-MANIFEST-KIND',
        `${where}: ${manifest?.apiVersion ?? '?'} ${
          manifest?.kind ?? '?'
        } cannot be provisioned; allowed: ${Object.entries(ALLOWED_MANIFESTS)
          .map(([kind, version]) => `${version} ${kind}`)
          .join(', ')}`,
      );
    }
    const { name, namespace } = manifest.metadata ?? {};
    if (typeof name !== 'string' || !isDns1123Label(name)) {
      return refused(
        'input',
        'SM-INPUT-MANIFEST-NAME',
        `${where}: '${String(name)}' is not a valid ${manifest.kind} name`,
      );
    }
    if (namespace !== undefined && namespace !== request.namespace) {
      return refused(
        'input',
        'SM-INPUT-MANIFEST-NAMESPACE',
        `${where}: ${manifest.kind} ${name} is in namespace ${namespace}, not ${request.namespace}`,
      );
    }
    const key = `${manifest.kind}/${name}`;
    if (seen.has(key)) {
      return refused(
        'input',
        'SM-INPUT-MANIFEST-DUPLICATE',
        `${where}: ${manifest.kind} ${name} is listed twice`,
      );
    }
    seen.add(key);
    objects.push({
      ...manifest,
      metadata: { ...manifest.metadata, namespace: request.namespace },
    });
  }
  return { ok: true as const, objects };
}

function exists(snapshot: ClusterSnapshot, manifest: KubeObject): boolean {
  const list: KubeObject[] =
    manifest.kind === 'Service' ? snapshot.services : snapshot.workloads;
  return list.some(
    o =>
      (o.kind === undefined || o.kind === manifest.kind) &&
      o.metadata.namespace === manifest.metadata.namespace &&
      o.metadata.name === manifest.metadata.name,
  );
}
