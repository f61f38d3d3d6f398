import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

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

describe('parseLabelSelector', () => {
  const labels = { app: 'reviews', version: 'v2', 'istio.io/rev': 'canary' };

  it.each([
    ['app=reviews', true],
    ['app==reviews', true],
    ['app!=reviews', false],
    ['app in (ratings, reviews),version', true],
    ['version notin (v1,v3)', true],
    ['version notin (v2)', false],
    ['!istio-injection', true],
    ['!istio.io/rev', false],
    ['istio.io/rev', true],
    ['app=reviews,version=v1', false],
    ['', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('reads `app=` as app equal to the empty string, as Kubernetes does', () => {
    expect(parseLabelSelector('app=').matchExpressions).toEqual([
      { key: 'app', operator: 'In', values: [''] },
    ]);
  });

  it.each(['=x', 'app in x', 'a b', 'app=(x)'])(
    'rejects malformed %p',
    selector => {
      expect(() => parseLabelSelector(selector)).toThrow(
        /Invalid label selector/,
      );
    },
  );
});
