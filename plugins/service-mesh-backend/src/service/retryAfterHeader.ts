import type { ErrorRequestHandler } from 'express';

/**
 * Sets `Retry-After` on error answers whose error says when to come back
 * (ClusterUnavailableError's `retryAfterSeconds`), then leaves the body to
 * Backstage's error handler, which knows no headers.
 */
export function retryAfterHeader(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const seconds = (error as { retryAfterSeconds?: unknown })
      ?.retryAfterSeconds;
    if (
      typeof seconds === 'number' &&
      Number.isFinite(seconds) &&
      !res.headersSent
    ) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds))));
    }
    next(error);
  };
}
