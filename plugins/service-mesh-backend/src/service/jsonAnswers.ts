import { createHash } from 'node:crypto';
import type { Response } from 'express';

/**
 * Bodies by answer object. An answer served again unchanged (a memoised
 * status, see DefaultServiceMeshService) is serialised and hashed once,
 * not on every request; a new answer is a new object.
 */
const bodies = new WeakMap<object, { body: Buffer; etag: string }>();

/**
 * Sends `answer` as JSON with a strong ETag of its body. Express answers 304
 * instead when the request's If-None-Match already names it. `no-cache`: a
 * browser may keep it but asks again before each use; `private`: it was
 * answered to one user's permission.
 */
export function sendJsonAnswer(res: Response, answer: object): void {
  let cached = bodies.get(answer);
  if (!cached) {
    const body = Buffer.from(JSON.stringify(answer));
    const hash = createHash('sha1').update(body).digest('base64url');
    cached = { body, etag: `"${hash}"` };
    bodies.set(answer, cached);
  }
  res.set({
    'Content-Type': 'application/json; charset=utf-8',
    ETag: cached.etag,
    'Cache-Control': 'private, no-cache',
  });
  res.send(cached.body);
}
