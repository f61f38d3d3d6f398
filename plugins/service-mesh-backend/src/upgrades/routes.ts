import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  serviceMeshUpgradeCreatePermission,
  serviceMeshUpgradeForcePermission,
  serviceMeshUpgradeOperatePermission,
  serviceMeshUpgradeReadPermission,
  UpgradeOperationRequest,
  UpgradeRequestBody,
} from '@mesh-backstage/plugin-service-mesh-common';
import type express from 'express';
import {
  DEFAULT_UPGRADE_OPTIONS,
  type UpgradeOptions,
  type UpgradeRequest,
} from '../domain/upgrades';
import type { createOpenApiRouter } from '../schema/openapi';
import {
  principalRef,
  requireBasicPermissions,
} from '../service/basicPermissions';
import type { PersonOperation, UpgradeService } from './UpgradeService';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;
type AuditMeta = NonNullable<
  Parameters<AuditorService['createEvent']>[0]['meta']
>;
/** Any route's request, whatever its typed params and body. */
type AnyRequest = express.Request<any, any, any, any>;

export interface UpgradeRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  upgrades: UpgradeService;
}

function toUpgradeRequest(body: UpgradeRequestBody): UpgradeRequest {
  const options: UpgradeOptions = {
    ...DEFAULT_UPGRADE_OPTIONS,
    ...body.options,
  };
  return {
    cluster: body.cluster,
    controlPlane: body.controlPlane,
    fromRevision: body.fromRevision,
    target: body.target,
    options,
  };
}

function toOperation(
  operation: string,
  body: UpgradeOperationRequest,
): PersonOperation {
  switch (operation) {
    case 'skip':
      if (!body.namespace || !body.reason?.trim()) {
        throw new InputError(
          'Skipping needs the namespace to skip and a reason',
        );
      }
      return { type: 'skip', namespace: body.namespace, reason: body.reason };
    case 'pause':
    case 'abort':
    case 'rollback':
      return { type: operation, reason: body.reason };
    case 'resume':
    case 'promote':
    case 'retry':
      return { type: operation };
    default:
      throw new InputError(`Unknown upgrade operation '${operation}'`);
  }
}

/**
 * The upgrade routes of `openapi.yaml`: they authorize with the upgrade
 * permissions (platform-wide, not on an entity), audit what changes
 * something, and leave every decision to the UpgradeService.
 */
export function registerUpgradeRoutes(
  router: ApiRouter,
  options: UpgradeRoutesOptions,
): void {
  const { httpAuth, permissions, auditor, upgrades } = options;

  async function authorize(
    req: AnyRequest,
    ...wanted: BasicPermission[]
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await requireBasicPermissions(
      permissions,
      credentials,
      wanted,
      '. Control-plane upgrades are for the platform team.',
    );
    return credentials;
  }

  /** Runs a change under an auditor event that records its outcome. */
  async function audited<T>(
    req: AnyRequest,
    meta: AuditMeta,
    change: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: 'service-mesh-upgrade',
      severityLevel: 'high',
      request: req,
      meta,
    });
    try {
      const result = await change();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  const createPermissions = (body: UpgradeRequestBody) =>
    body.options?.force
      ? [serviceMeshUpgradeCreatePermission, serviceMeshUpgradeForcePermission]
      : [serviceMeshUpgradeCreatePermission];

  router.get('/upgrades', async (req, res) => {
    await authorize(req, serviceMeshUpgradeReadPermission);
    const { cluster, active } = req.query;
    // The validator checks that `active` is a boolean; it stays a string.
    const items = await upgrades.list({
      cluster,
      active: active === undefined ? undefined : String(active) === 'true',
    });
    res.json({ items });
  });

  router.post('/upgrades/plan', async (req, res) => {
    const body = req.body;
    await authorize(req, ...createPermissions(body));
    res.json({
      dryRun: true,
      plan: upgrades.plan(toUpgradeRequest(body)),
    });
  });

  router.post('/upgrades', async (req, res) => {
    const body = req.body;
    const upgrade = await audited(
      req,
      {
        operation: 'create',
        cluster: body.cluster,
        controlPlane: body.controlPlane.namespace,
        fromRevision: body.fromRevision,
        target: body.target,
        force: body.options?.force ?? false,
      },
      async () => {
        const credentials = await authorize(req, ...createPermissions(body));
        return upgrades.create(
          toUpgradeRequest(body),
          principalRef(credentials),
        );
      },
    );
    res.json(upgrade);
  });

  router.get('/upgrades/:upgradeId', async (req, res) => {
    await authorize(req, serviceMeshUpgradeReadPermission);
    res.json(await upgrades.get(req.params.upgradeId));
  });

  router.get('/upgrades/:upgradeId/events', async (req, res) => {
    await authorize(req, serviceMeshUpgradeReadPermission);
    res.json({ items: await upgrades.events(req.params.upgradeId) });
  });

  router.post(
    '/upgrades/:upgradeId/operations/:operation',
    async (req, res) => {
      const { upgradeId, operation } = req.params;
      const body = req.body as {
        cluster: string;
        namespace?: string;
        reason?: string;
      };
      const upgrade = await audited(
        req,
        {
          operation,
          upgradeId,
          cluster: body.cluster,
          namespace: body.namespace,
        },
        async () => {
          const credentials = await authorize(
            req,
            serviceMeshUpgradeOperatePermission,
          );
          return upgrades.operate(upgradeId, toOperation(operation, body), {
            actor: principalRef(credentials),
            cluster: body.cluster,
          });
        },
      );
      res.json(upgrade);
    },
  );
}
