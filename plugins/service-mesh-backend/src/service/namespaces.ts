import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  ControlPlaneList,
  MeshActionResponse,
  NamespaceProvisionRequest,
  serviceMeshNamespaceCreatePermission,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  planProvisionNamespace,
  PROVISIONED_BY_ANNOTATION,
  PROVISIONED_FOR_ANNOTATION,
} from '../domain/plans/provisionNamespace';
import { buildMeshContext, toControlPlaneInfo } from '../domain';
import type { ClusterRegistry } from '../kubernetes/ClusterRegistry';
import type { createOpenApiRouter } from '../schema/openapi';
import { applyInTurns } from './applyInTurns';
import { principalRef, requireBasicPermissions } from './basicPermissions';
import { snapshotFromCache } from './clusterSnapshot';
import { withFreshObjects } from './freshObjects';
import { refusalToError } from './guardErrors';
import { KeyedQueue } from './KeyedQueue';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/**
 * Namespaces for services that are not in the catalog yet (a Software
 * Template creates the service first and registers it last). Provisioning
 * creates only a namespace that does not exist, marked with the entity it is
 * for and who asked; until that entity is in the catalog, the requester may
 * act on it through the entity routes under that entity ref.
 */
export class NamespaceProvisioner {
  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      writeTurns: KeyedQueue;
    },
  ) {}

  async provision(
    request: NamespaceProvisionRequest,
    requester: string,
  ): Promise<MeshActionResponse> {
    const cluster = this.options.clusters.get(request.cluster);
    const health = cluster.cache.health();
    if (!health.synced) {
      throw new ServiceUnavailableError(
        `Cluster ${request.cluster} is not readable yet; nothing was changed`,
      );
    }
    const plan = (fresh: Map<string, unknown>): MeshActionResponse => {
      const snapshot = withFreshObjects(
        snapshotFromCache(cluster.cache, []),
        fresh,
      );
      const outcome = planProvisionNamespace(
        snapshot,
        { ...request, manifests: request.manifests as any },
        requester,
      );
      if (!outcome.ok) throw refusalToError(outcome.refusal);
      return {
        dryRun: Boolean(request.dryRun),
        applied: false,
        change: outcome.change,
      };
    };
    if (request.dryRun) return plan(new Map());
    return applyInTurns({
      cluster,
      turns: this.options.writeTurns,
      plan,
      maxConflicts: 10,
    });
  }

  /** What a new namespace can be enrolled on, per cluster. */
  controlPlanes(): ControlPlaneList {
    return {
      clusters: this.options.clusters.all().map(cluster => {
        const health = cluster.cache.health();
        return {
          name: cluster.config.name,
          reachable: health.reachable,
          synced: health.synced,
          controlPlanes: health.synced
            ? buildMeshContext(
                snapshotFromCache(cluster.cache, []),
              ).controlPlanes.map(toControlPlaneInfo)
            : [],
        };
      }),
    };
  }

  /**
   * The stand-in entity of a provisioned namespace whose entity is not in
   * the catalog: it owns exactly that namespace on that cluster.
   */
  provisionalEntity(entityRef: string): Entity | undefined {
    for (const cluster of this.options.clusters.all()) {
      const namespace = cluster.cache
        .list('namespaces')
        .find(
          (ns: any) =>
            ns.metadata.annotations?.[PROVISIONED_FOR_ANNOTATION] === entityRef,
        );
      if (!namespace) continue;
      const ref = parseEntityRef(entityRef);
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: ref.kind,
        metadata: {
          name: ref.name,
          namespace: ref.namespace,
          annotations: {
            [KUBERNETES_NAMESPACE_ANNOTATION]: namespace.metadata.name,
            [KUBERNETES_CLUSTER_ANNOTATION]: cluster.config.name,
            [PROVISIONED_BY_ANNOTATION]:
              namespace.metadata.annotations[PROVISIONED_BY_ANNOTATION],
          },
        },
      };
    }
    return undefined;
  }
}

/**
 * Authorizes a request on a provisional entity: it has no catalog entry for
 * entity permissions to be decided on, so it needs the provisioning
 * permission and must come from the requester who provisioned it.
 */
export async function authorizeProvisional(
  permissions: PermissionsService,
  entity: Entity,
  credentials: BackstageCredentials,
): Promise<void> {
  const ref = stringifyEntityRef(entity);
  const by = entity.metadata.annotations?.[PROVISIONED_BY_ANNOTATION];
  if (by !== principalRef(credentials)) {
    throw new NotAllowedError(
      `${ref} is not in the catalog yet; only ${by}, who provisioned its namespace, may act on it until it is registered`,
    );
  }
  await requireBasicPermissions(
    permissions,
    credentials,
    [serviceMeshNamespaceCreatePermission],
    ` (acting on ${ref}, which is not in the catalog yet)`,
  );
}

/** `POST /namespaces`: provision a namespace for a new service. */
export function registerNamespaceRoutes(
  router: ApiRouter,
  options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    auditor: AuditorService;
    namespaces: NamespaceProvisioner;
  },
): void {
  const { httpAuth, permissions, auditor, namespaces } = options;

  const authorizeCreate = (credentials: BackstageCredentials) =>
    requireBasicPermissions(permissions, credentials, [
      serviceMeshNamespaceCreatePermission,
    ]);

  router.get('/control-planes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorizeCreate(credentials);
    res.json(namespaces.controlPlanes());
  });

  router.post('/namespaces', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const request = req.body;
    const entityRef = normalizedEntityRef(request.entityRef);
    const event = await auditor.createEvent({
      eventId: 'service-mesh-namespace-provision',
      severityLevel: 'medium',
      request: req,
      meta: {
        cluster: request.cluster,
        namespace: request.namespace,
        entityRef,
        manifests: (request.manifests ?? []).length,
        dryRun: Boolean(request.dryRun),
      },
    });
    try {
      await authorizeCreate(credentials);
      const result = await namespaces.provision(
        { ...request, entityRef },
        principalRef(credentials),
      );
      await event.success({
        meta: {
          applied: result.applied,
          operations: result.change.operations.map(o => o.summary),
        },
      });
      res.json(result);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });
}

function normalizedEntityRef(text: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(text));
  } catch (error) {
    throw new InputError(
      `entityRef '${text}' is not an entity ref (kind:namespace/name): ${
        (error as Error).message
      }`,
    );
  }
}
