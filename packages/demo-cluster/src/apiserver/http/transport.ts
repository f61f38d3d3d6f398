import { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { statusOf, unknownBodyFormat } from '../status';
import { ApiError } from '../types';
import { decodeProtobufObject } from './protobuf';

/** What a handler answers; the server sends it (or holds it, for a fault). */
export interface Answer {
  code: number;
  /** A JSON body, serialised on sending. */
  json?: unknown;
  /** A body already serialised; `contentType` defaults to JSON. */
  text?: string;
  /** A binary body (protobuf). */
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function jsonAnswer(
  json: unknown,
  code = 200,
  headers?: Record<string, string>,
): Answer {
  return { code, json, headers };
}

/** A Status body, with Retry-After when the error carries one. */
export function errorAnswer(error: ApiError): Answer {
  const retryAfter = error.details?.retryAfterSeconds;
  return jsonAnswer(
    statusOf(error),
    error.code,
    retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
  );
}

export function sendAnswer(res: ServerResponse, answer: Answer): void {
  const text = answer.bytes ?? answer.text ?? JSON.stringify(answer.json);
  const contentType = answer.contentType ?? 'application/json';
  res.writeHead(answer.code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...(contentType === 'application/json' && {
      'Cache-Control': 'no-cache, private',
    }),
    ...answer.headers,
  });
  res.end(text);
}

async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        'request body too large',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** The body media types the server decodes (protobuf only for the kinds of protobuf.ts). */
const BODY_MEDIA_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

/** A CBOR body, or protobuf where only JSON can be (a patch): 415, as a real apiserver answers. */
function refuseUndecodable(contentType: string | undefined): void {
  if (/protobuf|cbor/.test(contentType ?? '')) {
    throw unknownBodyFormat(BODY_MEDIA_TYPES);
  }
}

/** JSON, or YAML when the content type says so (but not an apply patch). */
export function parseBody(
  text: string,
  contentType: string | undefined,
): unknown {
  refuseUndecodable(contentType);
  if (!text.trim()) {
    return undefined;
  }
  try {
    return /yaml/.test(contentType ?? '') &&
      !/apply-patch/.test(contentType ?? '')
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      'BadRequest',
      `the request body could not be decoded: ${(error as Error).message}`,
    );
  }
}

/** The body of a request, decoded by its Content-Type. */
export async function decodeBody(req: IncomingMessage): Promise<unknown> {
  const contentType = req.headers['content-type'];
  const bytes = await readBodyBytes(req);
  if (/^application\/vnd\.kubernetes\.protobuf/.test(contentType ?? '')) {
    return decodeProtobufObject(bytes);
  }
  return parseBody(bytes.toString('utf8'), contentType);
}
