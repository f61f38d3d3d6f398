import type { KubeObject } from './kube';
import { inNamespace } from './snapshot';

const object = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name },
});

describe('inNamespace', () => {
  const objects = [
    object('a', 'one'),
    object('b', 'two'),
    object('a', 'three'),
  ];

  it('gives the same objects, in order, from a frozen list as from a plain one', () => {
    const frozen = Object.freeze([...objects]) as KubeObject[];
    for (const namespace of ['a', 'b', 'none']) {
      expect(inNamespace(frozen, namespace)).toEqual(
        inNamespace(objects, namespace),
      );
    }
    expect(inNamespace(frozen, 'a').map(o => o.metadata.name)).toEqual([
      'one',
      'three',
    ]);
  });

  it('hands out a copy a caller may change', () => {
    const frozen = Object.freeze([...objects]) as KubeObject[];
    inNamespace(frozen, 'a').pop();
    expect(inNamespace(frozen, 'a')).toHaveLength(2);
  });

  it('sees changes to a plain list', () => {
    const plain = [...objects];
    expect(inNamespace(plain, 'b')).toHaveLength(1);
    plain.push(object('b', 'four'));
    expect(inNamespace(plain, 'b')).toHaveLength(2);
    expect(inNamespace(undefined, 'b')).toEqual([]);
  });
});
