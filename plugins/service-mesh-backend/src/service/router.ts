import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  CompoundEntityRef,
  KubernetesValidatorFunctions,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  serviceMeshActionPermissions,
  serviceMeshForcePermission,
  serviceMeshStatusReadPermission,
  ServiceMeshActionName,
} from '@mesh-backstage/plugin-service-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { actionRequestSchemas } from './requestSchemas';
import type { ServiceMeshService } from './types';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  serviceMesh: ServiceMeshService;
}

/**
 * HTTP API of the service-mesh backend; see `src/schema/openapi.yaml`.
 * Entities are addressed by their catalog ref, so the backend (never the
 * request) decides which namespaces an action may touch.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, serviceMesh } = options;
  const router = Router();
  router.use(express.json());

  async function loadEntity(
    params: Record<string, string>,
    credentials: Awaited<ReturnType<HttpAuthService['credentials']>>,
  ) {
    const ref = entityRefFromParams(params);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} not found`);
    }
    return { entity, entityRef: stringifyEntityRef(ref) };
  }

  async function authorize(
    permission: (typeof serviceMeshActionPermissions)[ServiceMeshActionName],
    entityRef: string,
    credentials: Awaited<ReturnType<HttpAuthService['credentials']>>,
  ) {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on ${entityRef}. Only the entity's owners may change its mesh settings.`,
      );
    }
  }

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entity, entityRef } = await loadEntity(req.params, credentials);
    await authorize(serviceMeshStatusReadPermission, entityRef, credentials);
    res.json(await serviceMesh.getStatus(entity));
  });

  router.post(
    '/entities/:kind/:namespace/:name/actions/:action',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const action = req.params.action as ServiceMeshActionName;
      const schema = actionRequestSchemas[action];
      if (!schema) {
        throw new NotFoundError(`Unknown service-mesh action '${action}'`);
      }
      const { entity, entityRef } = await loadEntity(req.params, credentials);
      const auditorEvent = await auditor.createEvent({
        eventId: 'service-mesh-action',
        severityLevel: 'medium',
        request: req,
        meta: {
          action,
          entityRef,
          cluster: req.body?.cluster,
          namespace: req.body?.namespace,
          dryRun: Boolean(req.body?.dryRun),
          force: Boolean(req.body?.force),
        },
      });
      try {
        await authorize(
          serviceMeshActionPermissions[action],
          entityRef,
          credentials,
        );
        const parsed = schema.safeParse(req.body ?? {});
        if (!parsed.success) {
          throw new InputError(
            `Invalid ${action} request: ${parsed.error.issues
              .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
              .join('; ')}`,
          );
        }
        if (parsed.data.force) {
          await authorize(serviceMeshForcePermission, entityRef, credentials);
        }
        const result = await serviceMesh.runAction(action, entity, parsed.data);
        await auditorEvent.success({
          meta: {
            applied: result.applied,
            operations: result.change.operations.map(o => o.summary),
            forced: result.forced,
          },
        });
        res.json(result);
      } catch (error) {
        await auditorEvent.fail({ error: error as Error });
        throw error;
      }
    },
  );

  return router;
}

function entityRefFromParams(
  params: Record<string, string>,
): CompoundEntityRef {
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
