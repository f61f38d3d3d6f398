import { componentEntity } from '../__testUtils__/renderWithMesh';
import { isServiceMeshAvailable } from './isServiceMeshAvailable';

describe('isServiceMeshAvailable', () => {
  it('is true for each of the Kubernetes annotations', () => {
    for (const annotation of [
      'backstage.io/kubernetes-id',
      'backstage.io/kubernetes-namespace',
      'backstage.io/kubernetes-label-selector',
    ]) {
      const entity = componentEntity('checkout');
      entity.metadata.annotations = { [annotation]: 'checkout' };
      expect(isServiceMeshAvailable(entity)).toBe(true);
    }
  });

  it('is false without them', () => {
    const entity = componentEntity('checkout');
    entity.metadata.annotations = {};
    expect(isServiceMeshAvailable(entity)).toBe(false);
  });
});
