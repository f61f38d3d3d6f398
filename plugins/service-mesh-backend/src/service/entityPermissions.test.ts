import { mockCredentials } from '@backstage/backend-test-utils';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
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
import {
  ownedEntity as entity,
  ownedEntityRef as entityRef,
  ownersDecision as owners,
  recordingPermissions,
} from '../__testUtils__/permissionPolicies';
import { EntityPermissions, EntityRule, ruleNames } from './entityPermissions';

const enroll = serviceMeshActionPermissions.enroll;

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
