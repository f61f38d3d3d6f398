import { serviceMeshPlugin } from './plugin';

describe('service-mesh', () => {
  it('should export plugin', () => {
    expect(serviceMeshPlugin).toBeDefined();
  });
});
