import { labelKeyProblem, labelsProblems, labelValueProblem } from './labels';

describe('label keys', () => {
  it.each([
    'app',
    'app.kubernetes.io/name',
    'a',
    'A_b.c-d',
    `${'a'.repeat(63)}`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(
      61,
    )}/name`,
  ])('accepts %s', key => {
    expect(labelKeyProblem(key)).toBeUndefined();
  });

  it.each([
    ['bad key!'],
    [''],
    ['-app'],
    ['app-'],
    ['a'.repeat(64)],
    ['Example.com/name'],
    ['example.com/'],
    ['/name'],
    ['a/b/c'],
    [`${'a'.repeat(254)}/name`],
  ])('refuses %s', key => {
    expect(labelKeyProblem(key)).toMatch(/^Label key ".*" is not valid/);
  });
});

describe('label values', () => {
  it.each(['', 'v1', 'A-b_c.d', 'a'.repeat(63)])('accepts "%s"', value => {
    expect(labelValueProblem('app', value)).toBeUndefined();
  });

  it.each(['-v1', 'v1.', 'a b', 'a'.repeat(64), 'x/y'])(
    'refuses "%s"',
    value => {
      expect(labelValueProblem('app', value)).toMatch(
        /^Label value ".*" of "app" is not valid/,
      );
    },
  );

  it('refuses a value that is not a string', () => {
    expect(labelValueProblem('app', 42)).toMatch(/Label value 42 of "app"/);
  });
});

describe('labelsProblems', () => {
  it('lists every bad key and value, and nothing for good labels', () => {
    expect(labelsProblems({ app: 'reviews', version: 'v2' })).toEqual([]);
    expect(labelsProblems({ 'bad key!': 'ok', app: 'bad value!' })).toEqual([
      expect.stringContaining('"bad key!"'),
      expect.stringContaining('"bad value!"'),
    ]);
  });
});
