import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** A catalog entity owned by team-a, with its ownedBy relation as the catalog stores it. */
export const ownedEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};
export const ownedEntityRef = 'component:default/checkout';

/** The catalog's conditional decision "only owners among `claims`". */
export const ownersDecision =
  (claims: string[]) => (permission: ResourcePermission) =>
    createCatalogConditionalDecision(
      permission as ResourcePermission<'catalog-entity'>,
      catalogConditions.isEntityOwner({ claims }),
    );

/**
 * A permissions service that decides with `policy` and records every call,
 * each one a round trip to the permission backend in a real one; `authorize`
 * with a resourceRef answers `resourceDecision`.
 */
export function recordingPermissions(
  policy: (permission: ResourcePermission) => PolicyDecision,
  resourceDecision:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.DENY,
) {
  const calls: Array<{ method: string; requests: any[] }> = [];
  const permissions = {
    authorizeConditional: async (requests: any[]) => {
      calls.push({ method: 'authorizeConditional', requests });
      return requests.map(r => policy(r.permission));
    },
    authorize: async (requests: any[]) => {
      calls.push({ method: 'authorize', requests });
      return requests.map(() => ({ result: resourceDecision }));
    },
  } as unknown as PermissionsService;
  return { permissions, calls };
}
