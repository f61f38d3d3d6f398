import { ApiError } from './types';

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
