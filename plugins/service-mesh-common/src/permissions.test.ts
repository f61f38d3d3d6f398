import {
  isResourcePermission,
  isUpdatePermission,
} from '@backstage/plugin-permission-common';
import {
  serviceMeshActionPermissions,
  serviceMeshPermissions,
  serviceMeshStatusReadPermission,
} from './permissions';

describe('service-mesh permissions', () => {
  it('are all catalog-entity permissions with unique names', () => {
    const names = serviceMeshPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const permission of serviceMeshPermissions) {
      expect(isResourcePermission(permission, 'catalog-entity')).toBe(true);
      expect(permission.name).toMatch(/^service-mesh\./);
    }
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
