import plugin from './alpha';

describe('service-mesh plugin (new frontend system)', () => {
  it('provides the API, the entity card and the entity tab under their ids', () => {
    expect(plugin.id).toBe('service-mesh');
    expect(plugin.getExtension('entity-card:service-mesh')).toMatchObject({
      kind: 'entity-card',
      namespace: 'service-mesh',
    });
    expect(plugin.getExtension('entity-content:service-mesh')).toMatchObject({
      kind: 'entity-content',
      namespace: 'service-mesh',
    });
    expect(plugin.getExtension('api:service-mesh')).toMatchObject({
      kind: 'api',
    });
  });
});
