import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { serviceMeshUpgradeReadPermission } from '@mesh-backstage/plugin-service-mesh-common';
import type { createOpenApiRouter } from '../../schema/openapi';
import { requireBasicPermissions } from '../basicPermissions';
import type { MeshOverviewService } from './MeshOverviewService';

type ApiRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

export interface MeshOverviewRouteOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  meshOverview: MeshOverviewService;
}

/**
 * `GET /mesh`: the platform page's view of every cluster. It spans the
 * namespaces of many entities, so it needs the platform-wide upgrade read
 * permission rather than an entity permission.
 */
export function registerMeshOverviewRoute(
  router: ApiRouter,
  options: MeshOverviewRouteOptions,
): void {
  const { httpAuth, permissions, meshOverview } = options;
  router.get('/mesh', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await requireBasicPermissions(
      permissions,
      credentials,
      [serviceMeshUpgradeReadPermission],
      '. The mesh overview is for the platform team.',
    );
    // The generated router leaves query parameters untyped; the spec's
    // validator has checked `cluster` is a cluster name.
    const { cluster } = req.query as { cluster?: string };
    res.json(await meshOverview.overview(credentials, { cluster }));
  });
}
