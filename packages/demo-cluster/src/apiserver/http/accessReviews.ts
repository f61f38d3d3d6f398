import { IncomingMessage } from 'node:http';
import {
  allowedReason,
  DemoUser,
  groupsOf,
  isAllowed,
  isPathAllowed,
  ResourceAttributes,
  rulesIn,
} from '../authorization';
import { badRequest, methodNotAllowed } from '../status';
import { ResourceType } from '../types';
import { Answer, decodeBody, jsonAnswer } from './transport';

/*
 * The review APIs kubectl's `auth can-i` and `auth whoami` create. They are
 * answered from the request's user and never stored, as the apiserver's
 * registries for them do.
 */

const review = (
  group: string,
  kind: string,
  versions: string[],
): ResourceType => ({
  group,
  version: versions[0],
  versions,
  kind,
  plural: `${kind.toLowerCase()}s`,
  singular: '',
  namespaced: false,
  verbs: ['create'],
});

/** The create-only review types, for discovery. */
export const ACCESS_REVIEW_RESOURCES: ResourceType[] = [
  review('authorization.k8s.io', 'SelfSubjectAccessReview', ['v1']),
  review('authorization.k8s.io', 'SelfSubjectRulesReview', ['v1']),
  // kubectl 1.27's `auth whoami` asks for v1beta1, later ones for v1.
  review('authentication.k8s.io', 'SelfSubjectReview', ['v1', 'v1beta1']),
];

/** The review type a path creates, if it is one. */
export function accessReviewOf(
  path: string,
): { resource: ResourceType; version: string } | undefined {
  const match = /^\/apis\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const [, group, version, plural] = match;
  const resource = ACCESS_REVIEW_RESOURCES.find(
    r =>
      r.group === group && r.plural === plural && r.versions!.includes(version),
  );
  return resource && { resource, version };
}

type Review = Record<string, any>;

function accessReviewStatus(user: DemoUser, spec: Review) {
  if (spec.resourceAttributes) {
    const attributes = spec.resourceAttributes as Partial<ResourceAttributes>;
    if (!attributes.verb) {
      throw badRequest('spec.resourceAttributes.verb: Required value');
    }
    const allowed = isAllowed(user, {
      verb: attributes.verb,
      group: attributes.group ?? '',
      resource: attributes.resource ?? '',
      subresource: attributes.subresource || undefined,
      namespace: attributes.namespace || undefined,
      name: attributes.name || undefined,
    });
    return allowed
      ? { allowed, reason: allowedReason(user) }
      : { allowed, denied: false };
  }
  if (spec.nonResourceAttributes) {
    const { path = '', verb = '' } = spec.nonResourceAttributes as Review;
    const allowed = isPathAllowed(user, path, verb);
    return allowed
      ? { allowed, reason: allowedReason(user) }
      : { allowed, denied: false };
  }
  // The apiserver's validation message for an empty spec.
  throw badRequest(
    'spec.resourceAttributes: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
  );
}

function rulesReviewStatus(user: DemoUser, spec: Review) {
  const namespace = String(spec.namespace ?? '');
  return {
    resourceRules: rulesIn(user, namespace).map(rule => ({
      verbs: rule.verbs,
      apiGroups: rule.apiGroups,
      resources: rule.resources,
      ...(rule.resourceNames && { resourceNames: rule.resourceNames }),
    })),
    nonResourceRules: user.rules
      ? [
          {
            verbs: ['get'],
            nonResourceURLs: [
              '/api',
              '/api/*',
              '/apis',
              '/apis/*',
              '/openapi',
              '/openapi/*',
              '/version',
              '/healthz',
              '/readyz',
              '/livez',
            ],
          },
        ]
      : [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  };
}

/** Answers the POST of a review with its status filled in. */
export async function serveAccessReview(
  req: IncomingMessage,
  target: { resource: ResourceType; version: string },
  user: DemoUser,
): Promise<Answer> {
  if (req.method !== 'POST') {
    throw methodNotAllowed(`method ${req.method} is not allowed`);
  }
  const body = ((await decodeBody(req)) ?? {}) as Review;
  const { resource, version } = target;
  const spec = (body.spec ?? {}) as Review;
  let status: Review;
  if (resource.kind === 'SelfSubjectAccessReview') {
    status = accessReviewStatus(user, spec);
  } else if (resource.kind === 'SelfSubjectRulesReview') {
    status = rulesReviewStatus(user, spec);
  } else {
    status = {
      userInfo: {
        username: user.username,
        uid: `demo-${user.username}`,
        groups: groupsOf(user),
      },
    };
  }
  return jsonAnswer(
    {
      kind: resource.kind,
      apiVersion: `${resource.group}/${version}`,
      metadata: { creationTimestamp: null },
      ...(resource.kind !== 'SelfSubjectReview' && { spec }),
      status,
    },
    201,
  );
}
