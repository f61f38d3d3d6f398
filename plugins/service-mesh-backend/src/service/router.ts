import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  CompoundEntityRef,
  Entity,
  KubernetesValidatorFunctions,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  labelsProblems,
  serviceMeshActionPermissions,
  serviceMeshForcePermission,
  serviceMeshStatusReadPermission,
  ServiceMeshActionName,
  ServiceMeshActionResponses,
} from '@mesh-backstage/plugin-service-mesh-common';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { EntityPermissions, EntityRule } from './entityPermissions';
import { sendJsonAnswer } from './jsonAnswers';
import { jsonObjectBody } from './requestBody';
import { retryAfterHeader } from './retryAfterHeader';
import type { ActionRequest, ServiceMeshService } from './types';
import { registerUpgradeRoutes } from '../upgrades/routes';
import type { UpgradeService } from '../upgrades/UpgradeService';
import {
  authorizeProvisional,
  NamespaceProvisioner,
  registerNamespaceRoutes,
} from './namespaces';
import { MeshOverviewService, registerMeshOverviewRoute } from './meshOverview';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  serviceMesh: ServiceMeshService;
  /** Canary control-plane upgrades; their routes are left out without it. */
  upgrades?: UpgradeService;
  /** The platform page's mesh overview (`GET /mesh`); left out without it. */
  meshOverview?: MeshOverviewService;
  /** Namespaces of services not in the catalog yet (`POST /namespaces`); left out without it. */
  namespaces?: NamespaceProvisioner;
}

interface EntityParams {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * HTTP API of the service-mesh backend. Routes, request bodies and responses
 * are those of `src/schema/openapi.yaml`: the router is generated from it and
 * validates every request against it before a handler runs. Entities are
 * addressed by their catalog ref, so the backend (never the request) decides
 * which namespaces an action may touch.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, serviceMesh } = options;
  const router = await createOpenApiRouter({ middleware: jsonObjectBody() });
  const entityPermissions = new EntityPermissions({
    permissions,
    rules: Object.values(permissionRules) as unknown as EntityRule[],
  });

  /** Stand-ins of entities a template is creating, authorized differently. */
  const provisionalEntities = new WeakSet<Entity>();

  async function loadEntity(
    params: EntityParams,
    credentials: BackstageCredentials,
  ) {
    const ref = entityRefFromParams(params);
    const entityRef = stringifyEntityRef(ref);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (entity) return { entity, entityRef };
    // A service a template is creating: its namespace is provisioned, its
    // entity not registered yet (see namespaces.ts).
    const provisional = options.namespaces?.provisionalEntity(entityRef);
    if (!provisional) {
      throw new NotFoundError(`Entity ${entityRef} not found`);
    }
    provisionalEntities.add(provisional);
    return { entity: provisional, entityRef };
  }
  /**
   * Every permission on the entity in one round trip, conditions applied to
   * the entity just fetched (see EntityPermissions).
   */
  async function authorize(
    wanted: ResourcePermission<'catalog-entity'>[],
    entityRef: string,
    credentials: BackstageCredentials,
    entity: Entity,
  ) {
    if (provisionalEntities.has(entity)) {
      await authorizeProvisional(permissions, entity, credentials);
      return;
    }
    const denied = await entityPermissions.denied(
      wanted,
      entity,
      entityRef,
      credentials,
    );
    if (denied.length > 0) {
      throw new NotAllowedError(
        `Not allowed: ${denied
          .map(p => p.name)
          .join(
            ', ',
          )} on ${entityRef}. Only the entity's owners may change its mesh settings.`,
      );
    }
  }

  /** Authorizes, audits and runs one action whose body the spec has validated. */
  async function runAction<A extends ServiceMeshActionName>(
    action: A,
    req: express.Request<EntityParams>,
    request: ActionRequest<A>,
  ): Promise<ServiceMeshActionResponses[A]> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entity, entityRef } = await loadEntity(req.params, credentials);
    const auditorEvent = await auditor.createEvent({
      eventId: 'service-mesh-action',
      severityLevel: 'medium',
      request: req,
      meta: {
        action,
        entityRef,
        cluster: request.cluster,
        namespace: request.namespace,
        dryRun: Boolean(request.dryRun),
        force: Boolean(request.force),
      },
    });
    try {
      await authorize(
        request.force
          ? [serviceMeshActionPermissions[action], serviceMeshForcePermission]
          : [serviceMeshActionPermissions[action]],
        entityRef,
        credentials,
        entity,
      );
      const result = await serviceMesh.runAction(action, entity, request);
      await auditorEvent.success({
        meta: {
          applied: result.applied,
          operations: result.change.operations.map(o => o.summary),
          forced: result.forced,
        },
      });
      return result;
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entity, entityRef } = await loadEntity(req.params, credentials);
    await authorize(
      [serviceMeshStatusReadPermission],
      entityRef,
      credentials,
      entity,
    );
    sendJsonAnswer(res, await serviceMesh.getStatus(entity));
  });

  router.post(
    '/entities/:kind/:namespace/:name/actions/enroll',
    async (req, res) => {
      res.json(await runAction('enroll', req, req.body));
    },
  );
  router.post(
    '/entities/:kind/:namespace/:name/actions/unenroll',
    async (req, res) => {
      res.json(await runAction('unenroll', req, req.body));
    },
  );
  router.post(
    '/entities/:kind/:namespace/:name/actions/setInjection',
    async (req, res) => {
      res.json(await runAction('setInjection', req, req.body));
    },
  );
  router.post(
    '/entities/:kind/:namespace/:name/actions/switchRevision',
    async (req, res) => {
      res.json(await runAction('switchRevision', req, req.body));
    },
  );
  router.post(
    '/entities/:kind/:namespace/:name/actions/restart',
    async (req, res) => {
      res.json(await runAction('restart', req, req.body));
    },
  );
  router.post(
    '/entities/:kind/:namespace/:name/actions/sidecarEgress',
    async (req, res) => {
      // The spec says the selector maps strings to strings; Kubernetes says
      // which strings are label keys and values.
      const problems = labelsProblems(req.body.workloadSelector ?? {});
      if (problems.length > 0) {
        throw new InputError(
          `Invalid sidecarEgress request: workloadSelector: ${problems.join(
            '; ',
          )}`,
        );
      }
      res.json(await runAction('sidecarEgress', req, req.body));
    },
  );
  router.post(
    '/entities/:kind/:namespace/:name/actions/serviceEntry',
    async (req, res) => {
      res.json(await runAction('serviceEntry', req, req.body));
    },
  );

  // Every other action name. An own-property lookup, so that names such as
  // `constructor` or `__proto__` are unknown too.
  router.all(
    '/entities/:kind/:namespace/:name/actions/:action',
    (req, _res, next) => {
      if (Object.hasOwn(serviceMeshActionPermissions, req.params.action)) {
        next(); // A known action with another method: the router's 404.
        return;
      }
      throw new NotFoundError(
        `Unknown service-mesh action '${req.params.action}'`,
      );
    },
  );

  if (options.namespaces) {
    registerNamespaceRoutes(router, {
      ...options,
      namespaces: options.namespaces,
    });
  }
  if (options.upgrades) {
    registerUpgradeRoutes(router, { ...options, upgrades: options.upgrades });
  }

  if (options.meshOverview) {
    registerMeshOverviewRoute(router, {
      ...options,
      meshOverview: options.meshOverview,
    });
  }

  router.use(retryAfterHeader());
  return router;
}

function entityRefFromParams(params: EntityParams): CompoundEntityRef {
  const { kind, namespace, name } = params;
  const valid =
    /^[a-zA-Z][a-zA-Z0-9]*$/.test(kind) &&
    KubernetesValidatorFunctions.isValidNamespace(namespace) &&
    KubernetesValidatorFunctions.isValidObjectName(name);
  if (!valid) {
    throw new InputError(
      `Malformed entity ref '${kind}:${namespace}/${name}': expected <kind>:<namespace>/<name> with catalog name characters`,
    );
  }
  return { kind: kind.toLocaleLowerCase('en-US'), namespace, name };
}
