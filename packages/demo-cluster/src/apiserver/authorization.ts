import { ApiError } from './types';

/**
 * What a demo cluster user may do, as one RBAC PolicyRule bound either
 * cluster-wide (a ClusterRoleBinding) or in some namespaces (RoleBindings).
 * An unset list, or one holding `*`, matches everything.
 *
 * @public
 */
export interface AccessRule {
  /** e.g. `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  verbs: string[];
  /** API groups, `''` for the core group. */
  apiGroups?: string[];
  /** Plurals, or `plural/subresource` (`pods/log`); `*` covers subresources too. */
  resources?: string[];
  resourceNames?: string[];
  /** Bound only in these namespaces; cluster-scoped resources then never match. */
  namespaces?: string[];
}

/**
 * A bearer token and who it authenticates as. Without `rules` the user may do
 * everything (`system:masters`).
 *
 * @public
 */
export interface DemoUser {
  token: string;
  username: string;
  groups?: string[];
  rules?: AccessRule[];
}

/** Reading everything, writing nothing: the `view`-like rules of a read-only token. @public */
export const READ_ONLY_RULES: AccessRule[] = [
  { verbs: ['get', 'list', 'watch'] },
];

/** What a request asks to do, as a SubjectAccessReview's resourceAttributes say it. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The paths every authenticated user may get (`system:discovery`, `system:public-info-viewer`). */
const DISCOVERY_PATHS = [
  /^\/api(\/.*)?$/,
  /^\/apis(\/.*)?$/,
  /^\/openapi(\/.*)?$/,
  /^\/version\/?$/,
  /^\/(healthz|readyz|livez)(\/.*)?$/,
];

const matches = (list: string[] | undefined, value: string) =>
  !list || list.includes('*') || list.includes(value);

function ruleAllows(rule: AccessRule, request: ResourceAttributes): boolean {
  if (rule.namespaces && !rule.namespaces.includes(request.namespace ?? '')) {
    return false;
  }
  const resource = request.subresource
    ? `${request.resource}/${request.subresource}`
    : request.resource;
  return (
    matches(rule.verbs, request.verb) &&
    matches(rule.apiGroups, request.group) &&
    matches(rule.resources, resource) &&
    (!rule.resourceNames ||
      (request.name !== undefined && rule.resourceNames.includes(request.name)))
  );
}

/** Whether the user may do it; users without rules may do everything. */
export function isAllowed(
  user: DemoUser,
  request: ResourceAttributes,
): boolean {
  if (!user.rules) return true;
  return user.rules.some(rule => ruleAllows(rule, request));
}

/** Whether the user may call a non-resource path such as `/healthz`. */
export function isPathAllowed(
  user: DemoUser,
  path: string,
  verb: string,
): boolean {
  if (!user.rules) return true;
  return verb === 'get' && DISCOVERY_PATHS.some(pattern => pattern.test(path));
}

/** The rules that apply in a namespace, as SelfSubjectRulesReview lists them. */
export function rulesIn(user: DemoUser, namespace: string): AccessRule[] {
  if (!user.rules)
    return [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  return user.rules
    .filter(rule => !rule.namespaces || rule.namespaces.includes(namespace))
    .map(({ namespaces: _bound, ...rule }) => ({
      apiGroups: ['*'],
      resources: ['*'],
      ...rule,
    }));
}

/** Why a user was allowed, in the words of RBAC's reason. */
export function allowedReason(user: DemoUser): string {
  return user.rules
    ? `allowed by the demo cluster's rules for User "${user.username}"`
    : `allowed: User "${user.username}" is in group "system:masters"`;
}

/**
 * 403 as the apiserver words it: `deployments.apps "web" is forbidden: User
 * "viewer" cannot patch resource "deployments" in API group "apps" in the
 * namespace "shop"`.
 */
export function forbidden(
  user: DemoUser,
  request: ResourceAttributes,
): ApiError {
  const qualified = request.group
    ? `${request.resource}.${request.group}`
    : request.resource;
  const resource = request.subresource
    ? `${request.resource}/${request.subresource}`
    : request.resource;
  const scope = request.namespace
    ? `in the namespace "${request.namespace}"`
    : 'at the cluster scope';
  const subject = request.name ? `${qualified} "${request.name}"` : qualified;
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user.username}" cannot ${request.verb} resource "${resource}" in API group "${request.group}" ${scope}`,
    {
      ...(request.name && { name: request.name }),
      ...(request.group && { group: request.group }),
      kind: request.resource,
    },
  );
}

/** 403 for a non-resource path: `forbidden: User "viewer" cannot post path "/x"`. */
export function forbiddenPath(
  user: DemoUser,
  path: string,
  verb: string,
): ApiError {
  return new ApiError(
    403,
    'Forbidden',
    `forbidden: User "${user.username}" cannot ${verb} path "${path}"`,
  );
}

/** The groups a user is in, with the ones every authenticated user has. */
export function groupsOf(user: DemoUser): string[] {
  const groups = user.groups ?? (user.rules ? [] : ['system:masters']);
  return [...new Set([...groups, 'system:authenticated'])];
}

/**
 * The user a request acts as: the authenticated one, or the one its
 * `Impersonate-User` / `Impersonate-Group` headers name, when the
 * authenticated user may impersonate (only users without rules may). A
 * known username takes that user's rules; an unknown one has no rights,
 * unless it is put in `system:masters`.
 */
export function impersonated(
  user: DemoUser,
  headers: { user?: string; groups: string[] },
  known: Iterable<DemoUser>,
): DemoUser {
  if (!headers.user) {
    if (headers.groups.length > 0) {
      throw new ApiError(
        500,
        'InternalError',
        'Internal error occurred: requested [{Group  ' +
          `${headers.groups[0]}  authentication.k8s.io/v1  }] without impersonating a user`,
      );
    }
    return user;
  }
  if (user.rules) {
    throw new ApiError(
      403,
      'Forbidden',
      `users "${headers.user}" is forbidden: User "${user.username}" cannot impersonate resource "users" in API group "" at the cluster scope`,
      { name: headers.user, kind: 'users' },
    );
  }
  const target = [...known].find(u => u.username === headers.user);
  const groups = headers.groups.length ? headers.groups : target?.groups;
  const everything =
    groups?.includes('system:masters') || (target && !target.rules);
  return {
    token: '',
    username: headers.user,
    groups: groups ?? [],
    rules: everything ? undefined : target?.rules ?? [],
  };
}
