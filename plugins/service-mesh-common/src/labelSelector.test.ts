import { matchesLabelSelector } from './labelSelector';

describe('matchesLabelSelector', () => {
  const labels = { 'istio-injection': 'enabled', team: 'a' };

  it.each([
    ['empty selector matches anything', {}, true],
    ['missing selector matches anything', undefined, true],
    ['matchLabels hit', { matchLabels: { team: 'a' } }, true],
    ['matchLabels miss', { matchLabels: { team: 'b' } }, false],
    [
      'In hit',
      {
        matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }],
      },
      true,
    ],
    [
      'In on missing key',
      { matchExpressions: [{ key: 'x', operator: 'In', values: ['a'] }] },
      false,
    ],
    [
      'NotIn on missing key',
      { matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['a'] }] },
      true,
    ],
    [
      'NotIn miss',
      {
        matchExpressions: [
          { key: 'istio-injection', operator: 'NotIn', values: ['enabled'] },
        ],
      },
      false,
    ],
    [
      'Exists',
      { matchExpressions: [{ key: 'istio-injection', operator: 'Exists' }] },
      true,
    ],
    [
      'DoesNotExist',
      {
        matchExpressions: [
          { key: 'istio-injection', operator: 'DoesNotExist' },
        ],
      },
      false,
    ],
    [
      'all requirements must hold',
      {
        matchLabels: { team: 'a' },
        matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }],
      },
      false,
    ],
  ] as const)('%s', (_name, selector, expected) => {
    expect(matchesLabelSelector(selector as any, labels)).toBe(expected);
  });
});
