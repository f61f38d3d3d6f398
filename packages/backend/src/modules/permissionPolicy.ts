import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  serviceMeshEntityPermissions,
  serviceMeshStatusReadPermission,
  serviceMeshUpgradePermissions,
} from '@mesh-backstage/plugin-service-mesh-common';

/** The group whose members may see and run control-plane upgrades. */
export const PLATFORM_TEAM_REF = 'group:default/platform-team';

/**
 * The showcase app's policy: everything is allowed, except that service-mesh
 * actions on an entity are only for the entity's owners, and control-plane
 * upgrades are only for the platform team. Anyone may read mesh status.
 */
export class ServiceMeshDemoPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const isUpgrade = serviceMeshUpgradePermissions.some(p =>
      isPermission(request.permission, p),
    );
    const isMeshAction =
      serviceMeshEntityPermissions.some(p =>
        isPermission(request.permission, p),
      ) && !isPermission(request.permission, serviceMeshStatusReadPermission);
    if (!isMeshAction && !isUpgrade) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (isUpgrade) {
      return {
        result: ownershipEntityRefs.includes(PLATFORM_TEAM_REF)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    return createCatalogConditionalDecision(
      request.permission as any,
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
    );
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'service-mesh-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new ServiceMeshDemoPolicy(userInfo));
      },
    });
  },
});
