import { compileSelectors, parseLabelSelectorParam } from './selectors';
import { KubeObject } from './types';

function object(labels: Record<string, string>, name = 'x'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', labels },
    status: { phase: 'Running' },
  };
}

describe('parseLabelSelectorParam', () => {
  it('parses every operator', () => {
    expect(
      parseLabelSelectorParam(
        'a=1,b==2,c!=3,d in (x, y),e notin (z),f,!g,istio.io/rev=canary',
      ),
    ).toEqual({
      matchExpressions: [
        { key: 'a', operator: 'In', values: ['1'] },
        { key: 'b', operator: 'In', values: ['2'] },
        { key: 'c', operator: 'NotIn', values: ['3'] },
        { key: 'd', operator: 'In', values: ['x', 'y'] },
        { key: 'e', operator: 'NotIn', values: ['z'] },
        { key: 'f', operator: 'Exists' },
        { key: 'g', operator: 'DoesNotExist' },
        { key: 'istio.io/rev', operator: 'In', values: ['canary'] },
      ],
    });
  });

  it('rejects malformed keys with a 400', () => {
    expect(() => parseLabelSelectorParam('a b c')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });
});

describe('compileSelectors', () => {
  it('matches labels with Kubernetes semantics', () => {
    const matches = compileSelectors({
      labelSelector: 'istio-injection!=disabled,env in (dev,test)',
    });
    expect(matches(object({ env: 'dev' }))).toBe(true);
    expect(matches(object({ env: 'dev', 'istio-injection': 'disabled' }))).toBe(
      false,
    );
    expect(matches(object({ env: 'prod' }))).toBe(false);
  });

  it('matches fields, including other dotted paths', () => {
    expect(
      compileSelectors({
        fieldSelector: 'metadata.name=x,metadata.namespace==ns',
      })(object({})),
    ).toBe(true);
    expect(
      compileSelectors({ fieldSelector: 'metadata.name!=x' })(object({})),
    ).toBe(false);
    expect(
      compileSelectors({ fieldSelector: 'status.phase=Running' })(object({})),
    ).toBe(true);
  });
});
