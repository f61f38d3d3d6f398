/*
 * The signal channels the backend publishes on and the frontend subscribes
 * to. A signal only says that something changed; the client reloads it.
 */

/** Every upgrade's changes, for the list and the entity banner. */
export const UPGRADES_CHANNEL = 'service-mesh:upgrades';

/** One upgrade's changes. */
export function upgradeChannel(upgradeId: string): string {
  return `service-mesh:upgrade:${upgradeId}`;
}

/**
 * One entity's mesh status changes; `entityRef` as stringifyEntityRef gives
 * it. Lowercased, as the catalog compares refs case-insensitively.
 */
export function entityStatusChannel(entityRef: string): string {
  return `service-mesh:entity:${entityRef.toLocaleLowerCase('en-US')}`;
}
