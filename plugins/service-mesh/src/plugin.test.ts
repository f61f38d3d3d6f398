import {
  EntityServiceMeshCard,
  EntityServiceMeshContent,
  isServiceMeshAvailable,
  serviceMeshPlugin,
} from './index';

describe('service-mesh plugin (legacy frontend system)', () => {
  it('exports the plugin, its components and the entity filter', () => {
    expect(serviceMeshPlugin.getId()).toBe('service-mesh');
    expect(serviceMeshPlugin.getApis()).toHaveLength(1);
    expect(EntityServiceMeshCard).toBeDefined();
    expect(EntityServiceMeshContent).toBeDefined();
    expect(typeof isServiceMeshAvailable).toBe('function');
  });
});
