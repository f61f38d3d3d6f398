import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import type { Refusal } from '../domain';

/**
 * The `@backstage/errors` error for a domain refusal, which the root router
 * renders with its status code: 403, 409 or 400.
 */
export function refusalToError(refusal: Refusal): Error {
  const message = `${refusal.message} [${refusal.code}]`;
  switch (refusal.kind) {
    case 'notAllowed':
      return new NotAllowedError(message);
    case 'conflict':
      return new ConflictError(
        refusal.forceable
          ? `${message}; retry with force to override`
          : message,
      );
    default:
      return new InputError(message);
  }
}
