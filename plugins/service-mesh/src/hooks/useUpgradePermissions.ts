import { usePermission } from '@backstage/plugin-permission-react';
import {
  serviceMeshUpgradeCreatePermission,
  serviceMeshUpgradeOperatePermission,
  serviceMeshUpgradeReadPermission,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ActionPermission } from './useMeshPermissions';

export interface UpgradePermissions {
  read: ActionPermission;
  create: ActionPermission;
  operate: ActionPermission;
}

export const UPGRADE_NOT_PERMITTED =
  'Only the platform team can run control-plane upgrades';

/**
 * The upgrade permissions the backend checks. They are platform-wide, not
 * on an entity: an upgrade spans the namespaces of many entities.
 */
export function useUpgradePermissions(): UpgradePermissions {
  const check = (
    result: { allowed: boolean; loading: boolean },
    permissionName: string,
  ): ActionPermission => ({
    allowed: result.allowed,
    loading: result.loading,
    reason:
      result.allowed || result.loading
        ? undefined
        : `${UPGRADE_NOT_PERMITTED} (${permissionName}).`,
  });
  return {
    read: check(
      usePermission({ permission: serviceMeshUpgradeReadPermission }),
      serviceMeshUpgradeReadPermission.name,
    ),
    create: check(
      usePermission({ permission: serviceMeshUpgradeCreatePermission }),
      serviceMeshUpgradeCreatePermission.name,
    ),
    operate: check(
      usePermission({ permission: serviceMeshUpgradeOperatePermission }),
      serviceMeshUpgradeOperatePermission.name,
    ),
  };
}
