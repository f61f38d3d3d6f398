import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
  PermissionRule,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';

/** Catalog permission rules, as the catalog evaluates them. */
export type EntityRule = PermissionRule<Entity, unknown, 'catalog-entity'>;

export interface EntityPermissionsOptions {
  permissions: PermissionsService;
  /**
   * The catalog's rules (`permissionRules` of
   * `@backstage/plugin-catalog-backend/alpha`). A conditional decision that
   * uses only these is evaluated here, on the entity already fetched; one
   * that names another rule (a catalog module's own) goes back to the
   * permission framework, which asks the catalog.
   */
  rules: EntityRule[];
}

/**
 * Decides several permissions on one catalog entity in one round trip to the
 * permission backend: `authorizeConditional` for all of them at once, and
 * conditions (such as `isEntityOwner`) applied to the entity in hand,
 * instead of an `authorize` with a resourceRef per permission, for which the
 * permission backend fetches the entity from the catalog once more.
 */
export class EntityPermissions {
  private readonly ruleset: PermissionRuleset<Entity>;
  private readonly rules: Map<string, EntityRule>;
  private readonly applyConditions: (
    decision: PolicyDecision,
    entity: Entity,
  ) => boolean;

  constructor(private readonly options: EntityPermissionsOptions) {
    this.rules = new Map(options.rules.map(rule => [rule.name, rule]));
    this.ruleset = {
      getRuleByName: name => {
        const rule = this.rules.get(name);
        if (!rule) throw new Error(`Unknown catalog permission rule ${name}`);
        return rule as PermissionRule<Entity, unknown, string>;
      },
    };
    this.applyConditions = createConditionAuthorizer(this.ruleset);
  }

  /** The permissions of `wanted` that are not allowed on `entity`, in order. */
  async denied<P extends ResourcePermission<'catalog-entity'>>(
    wanted: P[],
    entity: Entity,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<P[]> {
    if (wanted.length === 0) return [];
    const decisions = await this.options.permissions.authorizeConditional(
      wanted.map(permission => ({ permission })),
      { credentials },
    );
    const allowed = decisions.map(decision => this.decide(decision, entity));
    const unresolved = wanted.filter((_, i) => allowed[i] === undefined);
    if (unresolved.length > 0) {
      // Rules only the catalog knows: let it apply them, in one more round trip.
      const fallback = await this.options.permissions.authorize(
        unresolved.map(permission => ({ permission, resourceRef: entityRef })),
        { credentials },
      );
      for (const [i, permission] of unresolved.entries()) {
        allowed[wanted.indexOf(permission)] =
          fallback[i].result === AuthorizeResult.ALLOW;
      }
    }
    return wanted.filter((_, i) => !allowed[i]);
  }

  /** Allowed or not; `undefined` when the conditions name a rule not known here. */
  private decide(
    decision: PolicyDecision,
    entity: Entity,
  ): boolean | undefined {
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW;
    }
    if (
      decision.pluginId !== 'catalog' ||
      decision.resourceType !== 'catalog-entity' ||
      !ruleNames(decision.conditions).every(name => this.rules.has(name))
    ) {
      return undefined;
    }
    return this.applyConditions(decision, entity);
  }
}

/** Every rule a condition tree names. */
export function ruleNames(
  criteria: PermissionCriteria<PermissionCondition>,
): string[] {
  if (isAndCriteria(criteria)) return criteria.allOf.flatMap(ruleNames);
  if (isOrCriteria(criteria)) return criteria.anyOf.flatMap(ruleNames);
  if (isNotCriteria(criteria)) return ruleNames(criteria.not);
  return [criteria.rule];
}
