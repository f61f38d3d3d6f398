import {
  isResourcePermission,
  isUpdatePermission,
} from '@backstage/plugin-permission-common';
import {
  serviceMeshActionPermissions,
  serviceMeshEntityPermissions,
  serviceMeshNamespaceCreatePermission,
  serviceMeshPermissions,
  serviceMeshStatusReadPermission,
  serviceMeshUpgradeCreatePermission,
  serviceMeshUpgradeOperatePermission,
  serviceMeshUpgradePermissions,
  serviceMeshUpgradeReadPermission,
} from './permissions';

describe('service-mesh permissions', () => {
  it('have unique names under service-mesh.', () => {
    const names = serviceMeshPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const permission of serviceMeshPermissions) {
      expect(permission.name).toMatch(/^service-mesh\./);
    }
    expect(serviceMeshPermissions).toEqual([
      ...serviceMeshEntityPermissions,
      ...serviceMeshUpgradePermissions,
      serviceMeshNamespaceCreatePermission,
    ]);
  });

  it('scope entity permissions to catalog entities', () => {
    for (const permission of serviceMeshEntityPermissions) {
      expect(isResourcePermission(permission, 'catalog-entity')).toBe(true);
    }
  });

  it('keeps upgrade permissions platform-wide, not on an entity', () => {
    for (const permission of serviceMeshUpgradePermissions) {
      expect(isResourcePermission(permission)).toBe(false);
    }
    expect(serviceMeshUpgradeReadPermission.attributes.action).toBe('read');
    expect(serviceMeshUpgradeCreatePermission.attributes.action).toBe('create');
    expect(serviceMeshUpgradeOperatePermission.attributes.action).toBe(
      'update',
    );
  });

  it('reads status with a read permission and changes with update ones', () => {
    expect(serviceMeshStatusReadPermission.name).toBe(
      'service-mesh.status.read',
    );
    expect(serviceMeshStatusReadPermission.attributes.action).toBe('read');
    for (const permission of Object.values(serviceMeshActionPermissions)) {
      expect(isUpdatePermission(permission)).toBe(true);
      expect(serviceMeshPermissions).toContain(permission);
    }
  });
});
