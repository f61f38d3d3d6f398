import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { refusalToError } from './guardErrors';

describe('refusalToError', () => {
  it('maps refusals to @backstage/errors', () => {
    const refusal = { code: 'C', message: 'no', forceable: false };
    expect(refusalToError({ ...refusal, kind: 'input' })).toBeInstanceOf(
      InputError,
    );
    expect(refusalToError({ ...refusal, kind: 'notAllowed' })).toBeInstanceOf(
      NotAllowedError,
    );
    const conflict = refusalToError({
      ...refusal,
      kind: 'conflict',
      forceable: true,
    });
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict.message).toBe('no [C]; retry with force to override');
  });

  it('says nothing about force when force would not help', () => {
    const conflict = refusalToError({
      kind: 'conflict',
      code: 'C',
      message: 'no',
      forceable: false,
    });
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict.message).toBe('no [C]');
  });
});
