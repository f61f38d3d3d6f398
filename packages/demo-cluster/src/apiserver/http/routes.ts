import { IncomingHttpHeaders } from 'node:http';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreApiVersions,
} from '../discovery';
import { servedVersions } from '../objects';
import { pathNotFound } from '../status';
import { ResourceType } from '../types';
import { ACCESS_REVIEW_RESOURCES } from './accessReviews';
import { Answer, jsonAnswer } from './transport';

/** A request for one resource type (or one of its objects). */
export interface ResourceRequest {
  resource: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** A `/watch/...` path, the pre-1.11 way to watch. */
  legacyWatch: boolean;
}

/** Where a path leads: a discovery answer, or a resource to serve. */
export type Route = { answer: Answer } | { resourceRequest: ResourceRequest };

/** Resolves `[watch/][namespaces/<ns>/]<plural>[/<name>[/<subresource>]]`. */
function resolveResource(
  resources: ResourceType[],
  group: string,
  version: string,
  rest: string[],
): ResourceRequest {
  let segments = rest;
  const legacyWatch = segments[0] === 'watch';
  if (legacyWatch) {
    segments = segments.slice(1);
  }
  let namespace: string | undefined;
  if (
    segments[0] === 'namespaces' &&
    segments.length >= 3 &&
    !(segments.length === 3 && ['status', 'finalize'].includes(segments[2]))
  ) {
    namespace = segments[1];
    segments = segments.slice(2);
  }
  const [plural, name, subresource, ...extra] = segments;
  const resource = resources.find(
    r =>
      r.group === group &&
      r.plural === plural &&
      servedVersions(r).includes(version),
  );
  if (!resource || extra.length > 0 || (namespace && !resource.namespaced)) {
    throw pathNotFound();
  }
  if (
    subresource &&
    !(resource.subresources ?? []).includes(subresource) &&
    !(resource.plural === 'namespaces' && subresource === 'finalize')
  ) {
    throw pathNotFound();
  }
  return { resource, version, namespace, name, subresource, legacyWatch };
}

/**
 * Routes an API path (already authenticated): discovery under `/api` and
 * `/apis`, the OpenAPI documents, and resource paths.
 */
export function route(
  path: string,
  headers: IncomingHttpHeaders,
  resources: ResourceType[],
): Route {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  // Discovery lists the create-only reviews too (httpServer answers them).
  const discoverable = [...resources, ...ACCESS_REVIEW_RESOURCES];
  if (path === '/api') {
    return { answer: jsonAnswer(coreApiVersions(headers.host ?? '')) };
  }
  if (path === '/apis') {
    return { answer: jsonAnswer(apiGroupList(discoverable)) };
  }
  if (segments[0] === 'apis' && segments.length === 2) {
    const group = apiGroup(discoverable, segments[1]);
    if (!group) throw pathNotFound();
    return { answer: jsonAnswer(group) };
  }
  let prefix: { group: string; version: string };
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    prefix = { group: '', version: segments[1] };
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    prefix = { group: segments[1], version: segments[2] };
    rest = segments.slice(3);
  } else {
    throw pathNotFound();
  }
  if (rest.length === 0) {
    const list = apiResourceList(discoverable, prefix.group, prefix.version);
    if (!list) throw pathNotFound();
    return { answer: jsonAnswer(list) };
  }
  return {
    resourceRequest: resolveResource(
      resources,
      prefix.group,
      prefix.version,
      rest,
    ),
  };
}
