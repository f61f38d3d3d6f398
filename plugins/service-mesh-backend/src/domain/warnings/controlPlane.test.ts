import { analyzeNamespace } from '../analysis';
import { namespace, istioScenario } from '../__fixtures__';
import { buildMeshContext } from '../mesh';
import { emptyClusterSnapshot } from '../snapshot';
import { noControlPlane } from './controlPlane';

describe('noControlPlane (SM-NO-CONTROL-PLANE)', () => {
  it('says the namespace cannot join a mesh on a bare cluster', () => {
    const demo = namespace('demo');
    const context = buildMeshContext({
      ...emptyClusterSnapshot('bare'),
      namespaces: [demo],
    });
    expect(noControlPlane.detect(analyzeNamespace(context, demo))).toEqual([
      {
        message:
          'Cluster bare has no service-mesh control plane, so demo cannot join a mesh there',
      },
    ]);
  });

  it('is quiet where a control plane serves the namespace', () => {
    const context = buildMeshContext(istioScenario().snapshot);
    const demo = context.snapshot.namespaces.find(
      n => n.metadata.name === 'demo',
    )!;
    expect(noControlPlane.detect(analyzeNamespace(context, demo))).toEqual([]);
  });
});
