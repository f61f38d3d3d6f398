import { mockCredentials } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
  permissionRules,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  serviceMeshActionPermissions,
  serviceMeshForcePermission,
  serviceMeshStatusReadPermission,
} from '@mesh-backstage/plugin-service-mesh-common';
import { EntityPermissions, EntityRule, ruleNames } from './entityPermissions';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};
const entityRef = 'component:default/checkout';
const enroll = serviceMeshActionPermissions.enroll;

/** A permissions service that answers from `policy` and records every call. */
function recordingPermissions(
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

const owners = (claims: string[]) => (permission: ResourcePermission) =>
  createCatalogConditionalDecision(
    permission as ResourcePermission<'catalog-entity'>,
    catalogConditions.isEntityOwner({ claims }),
  );

const rules = Object.values(permissionRules) as unknown as EntityRule[];

describe('EntityPermissions', () => {
  it('decides every permission in one round trip, applying isEntityOwner to the entity in hand', async () => {
    const { permissions, calls } = recordingPermissions(
      owners(['group:default/team-a']),
    );
    const denied = await new EntityPermissions({ permissions, rules }).denied(
      [enroll, serviceMeshForcePermission],
      entity,
      entityRef,
      mockCredentials.user(),
    );
    expect(denied).toEqual([]);
    expect(calls).toEqual([
      {
        method: 'authorizeConditional',
        requests: [
          { permission: enroll },
          { permission: serviceMeshForcePermission },
        ],
      },
    ]);
  });

  it('denies those the conditions refuse, and names them in order', async () => {
    const { permissions, calls } = recordingPermissions(permission =>
      permission === serviceMeshStatusReadPermission
        ? { result: AuthorizeResult.ALLOW }
        : owners(['group:default/team-b'])(permission),
    );
    const denied = await new EntityPermissions({ permissions, rules }).denied(
      [serviceMeshStatusReadPermission, enroll, serviceMeshForcePermission],
      entity,
      entityRef,
      mockCredentials.user(),
    );
    expect(denied).toEqual([enroll, serviceMeshForcePermission]);
    expect(calls).toHaveLength(1);
  });

  it('takes allow and deny decisions as they are', async () => {
    const { permissions } = recordingPermissions(permission => ({
      result:
        permission === enroll ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    }));
    await expect(
      new EntityPermissions({ permissions, rules }).denied(
        [serviceMeshStatusReadPermission, enroll],
        entity,
        entityRef,
        mockCredentials.user(),
      ),
    ).resolves.toEqual([enroll]);
  });

  it('asks the framework, in one batch with the resourceRef, about conditions with rules it does not know', async () => {
    const custom = (permission: ResourcePermission): PolicyDecision =>
      ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          anyOf: [
            {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: { claims: [] },
            },
            {
              rule: 'HAS_COST_CENTRE',
              resourceType: 'catalog-entity',
              params: {},
            },
          ],
        },
        ...(permission === serviceMeshStatusReadPermission
          ? { result: AuthorizeResult.ALLOW }
          : {}),
      } as PolicyDecision);
    const { permissions, calls } = recordingPermissions(
      custom,
      AuthorizeResult.ALLOW,
    );
    const denied = await new EntityPermissions({ permissions, rules }).denied(
      [serviceMeshStatusReadPermission, enroll, serviceMeshForcePermission],
      entity,
      entityRef,
      mockCredentials.user(),
    );
    expect(denied).toEqual([]);
    expect(calls.map(c => c.method)).toEqual([
      'authorizeConditional',
      'authorize',
    ]);
    expect(calls[1].requests).toEqual([
      { permission: enroll, resourceRef: entityRef },
      { permission: serviceMeshForcePermission, resourceRef: entityRef },
    ]);
  });

  it('lists the rules of a condition tree', () => {
    expect(
      ruleNames({
        allOf: [
          { rule: 'A', resourceType: 'catalog-entity', params: {} },
          {
            not: {
              anyOf: [
                { rule: 'B', resourceType: 'catalog-entity', params: {} },
              ],
            },
          },
        ],
      }),
    ).toEqual(['A', 'B']);
  });
});
