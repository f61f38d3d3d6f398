import { ApiError, ResourceRef, ResourceType } from './types';

/** A `meta/v1 Status`, the body of every error the apiserver answers. */
export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  code: number;
  details?: Record<string, unknown>;
}

/** Turns anything thrown while serving a request into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${
      error instanceof Error ? error.message : String(error)
    }`,
  );
}

export function statusOf(error: ApiError): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    code: error.code,
    ...(error.details && { details: error.details }),
  };
}

export function successStatus(details?: Record<string, unknown>): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code: 200,
    ...(details && { details }),
  };
}

/** `plural.group`, or the bare plural for the core group, as messages name a resource. */
function qualifiedName(resource: ResourceRef): string {
  return resource.group
    ? `${resource.plural}.${resource.group}`
    : resource.plural;
}

/** 404 for an object that does not exist: `configmaps "x" not found`. */
export function notFound(resource: ResourceRef, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedName(resource)} "${name}" not found`,
    { name, group: resource.group, kind: resource.plural },
  );
}

/** 404 for a path the server does not serve, as the apiserver's mux answers it. */
export function pathNotFound(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {
      causes: [
        { reason: 'UnexpectedServerResponse', message: '404 page not found' },
      ],
    },
  );
}

export function alreadyExists(resource: ResourceRef, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedName(resource)} "${name}" already exists`,
    { name, group: resource.group, kind: resource.plural },
  );
}

export function conflict(
  resource: ResourceRef,
  name: string,
  why: string,
): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(
      resource,
    )} "${name}": ${why}`,
    { name, group: resource.group, kind: resource.plural },
  );
}

/** One cause of a 422, as `Status.details.causes` lists it. */
export interface FieldError {
  field: string;
  /** FieldValueInvalid, FieldValueRequired, ... */
  reason: string;
  /** e.g. `Invalid value: "a.b": a lowercase RFC 1123 label must ...`. */
  message: string;
}

/**
 * 422 listing every problem found, as field validation answers it: one in
 * the message as `field: problem`, several as `[field: problem, ...]`.
 */
export function invalidFields(
  resource: ResourceType,
  name: string | undefined,
  errors: FieldError[],
): ApiError {
  const listed = errors.map(error => `${error.field}: ${error.message}`);
  return new ApiError(
    422,
    'Invalid',
    `${resource.kind} "${name ?? ''}" is invalid: ${
      listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`
    }`,
    { name, group: resource.group, kind: resource.kind, causes: errors },
  );
}

/** 422 naming the field, as field validation answers it. */
export function invalid(
  resource: ResourceType,
  name: string | undefined,
  field: string,
  problem: string,
): ApiError {
  const reason = problem.startsWith('Required value')
    ? 'FieldValueRequired'
    : 'FieldValueInvalid';
  return invalidFields(resource, name, [{ field, reason, message: problem }]);
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 415: a body or patch type the server does not decode. */
export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

/** 415 in the apiserver's words, listing the media types it accepts. */
export function unknownBodyFormat(accepted: readonly string[]): ApiError {
  return unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
      ', ',
    )}`,
  );
}
