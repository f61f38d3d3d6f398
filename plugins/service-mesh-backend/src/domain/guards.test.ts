import { checkNamespaceName, checkRevisionName, runGuards } from './guards';

describe('input guards', () => {
  it.each(['demo', 'a', 'team-1', 'x'.repeat(63)])(
    'accepts namespace %s',
    name => {
      expect(checkNamespaceName(name)).toEqual({ ok: true });
    },
  );
  it.each([
    '',
    'Demo',
    '-a',
    'a-',
    'a_b',
    'a.b',
    'x'.repeat(64),
    42,
    undefined,
  ])('rejects namespace %j', name => {
    expect(checkNamespaceName(name)).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'SM-INPUT-NAMESPACE' },
    });
  });
  it.each(['canary', '1-24-2', 'prod-stable', 'default'])(
    'accepts revision %s',
    name => {
      expect(checkRevisionName(name)).toEqual({ ok: true });
    },
  );
  it.each(['', 'a b', '-x', 'x'.repeat(64), null])(
    'rejects revision %j',
    name => {
      expect(checkRevisionName(name).ok).toBe(false);
    },
  );
});

describe('runGuards', () => {
  const forceable = () => ({
    ok: false as const,
    refusal: {
      kind: 'conflict' as const,
      code: 'F',
      message: 'm',
      forceable: true,
    },
  });
  const hard = () => ({
    ok: false as const,
    refusal: {
      kind: 'notAllowed' as const,
      code: 'H',
      message: 'm',
      forceable: false,
    },
  });

  it('collects forceable refusals only when forced', () => {
    expect(runGuards([forceable], false)).toMatchObject({ ok: false });
    expect(runGuards([forceable], true)).toMatchObject({
      ok: true,
      forced: [{ code: 'F' }],
    });
    expect(runGuards([forceable, hard], true)).toMatchObject({
      ok: false,
      refusal: { code: 'H' },
    });
  });
});
