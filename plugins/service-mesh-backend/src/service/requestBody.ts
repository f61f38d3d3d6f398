import { InputError } from '@backstage/errors';
import express from 'express';

const METHODS_WITH_BODY = ['POST', 'PUT', 'PATCH'];

// Not strict: a body of null, a string or a number parses, so the check
// after it can name it instead of calling it "not valid JSON".
const json = express.json({ strict: false });

const requireJsonContentType: express.RequestHandler = (req, _res, next) => {
  if (METHODS_WITH_BODY.includes(req.method) && !req.is('application/json')) {
    const got = req.get('content-type');
    throw new InputError(
      `The request body must be JSON, sent with Content-Type: application/json${
        got ? ` (got ${got})` : ' (none was sent)'
      }`,
    );
  }
  next();
};

const parseJson: express.RequestHandler = (req, res, next) => {
  json(req, res, error => {
    const parseFailed =
      (error as { type?: string } | undefined)?.type === 'entity.parse.failed';
    next(
      parseFailed
        ? new InputError(
            `The request body is not valid JSON: ${(error as Error).message}`,
          )
        : error,
    );
  });
};

const requireJsonObject: express.RequestHandler = (req, _res, next) => {
  if (METHODS_WITH_BODY.includes(req.method)) {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InputError(
        `The request body must be a JSON object, got ${describeJson(body)}`,
      );
    }
  }
  next();
};

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Parses a JSON request body and insists it is a JSON object, before the
 * OpenAPI validator sees it, so the caller learns what is wrong with the body
 * as a whole rather than with its first field. Runs as the validated router's
 * body middleware. (Backstage's validated router reports every error raised
 * before the routes as an InputError, so these are 400s.)
 */
export function jsonObjectBody(): express.RequestHandler[] {
  return [requireJsonContentType, parseJson, requireJsonObject];
}
