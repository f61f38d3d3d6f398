import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  serviceMeshEnrollPermission,
  serviceMeshStatusReadPermission,
  serviceMeshUpgradeCreatePermission,
  serviceMeshUpgradeOperatePermission,
  serviceMeshUpgradeReadPermission,
} from '@mesh-backstage/plugin-service-mesh-common';
import { PLATFORM_TEAM_REF, ServiceMeshDemoPolicy } from './permissionPolicy';

function policyFor(ownershipEntityRefs: string[]) {
  return new ServiceMeshDemoPolicy({
    getUserInfo: async () => ({
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs,
    }),
  });
}

const user = {
  credentials: {},
  info: { userEntityRef: 'user:default/someone', ownershipEntityRefs: [] },
} as unknown as PolicyQueryUser;

const upgradePermissions = [
  serviceMeshUpgradeReadPermission,
  serviceMeshUpgradeCreatePermission,
  serviceMeshUpgradeOperatePermission,
];

describe('ServiceMeshDemoPolicy', () => {
  it.each(upgradePermissions.map(p => [p.name, p]))(
    'allows %s to the platform team only',
    async (_name, permission) => {
      const platform = policyFor(['user:default/someone', PLATFORM_TEAM_REF]);
      const developer = policyFor([
        'user:default/someone',
        'group:default/guests',
      ]);
      expect(await platform.handle({ permission }, user)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await developer.handle({ permission }, user)).toEqual({
        result: AuthorizeResult.DENY,
      });
      expect(await platform.handle({ permission })).toEqual({
        result: AuthorizeResult.DENY,
      });
    },
  );

  it('leaves entity actions to the owners, through a catalog condition', async () => {
    const decision = await policyFor([PLATFORM_TEAM_REF]).handle(
      {
        permission: serviceMeshEnrollPermission,
        resourceRef: 'component:default/x',
      } as any,
      user,
    );
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(JSON.stringify(decision)).toContain('IS_ENTITY_OWNER');
  });

  it('lets anyone read mesh status', async () => {
    expect(
      await policyFor([]).handle(
        { permission: serviceMeshStatusReadPermission } as any,
        user,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
