/*
 * The backend's signal channels for upgrades (service-mesh-backend
 * src/upgrades/UpgradeRecorder.ts). A signal only says that an upgrade
 * changed; the page reloads the whole state.
 */

/** Every upgrade's changes, for the list and the entity banner. */
export const UPGRADES_CHANNEL = 'service-mesh:upgrades';

/** One upgrade's changes. */
export function upgradeChannel(upgradeId: string): string {
  return `service-mesh:upgrade:${upgradeId}`;
}

/**
 * One entity's mesh status changes (service-mesh-backend publishes when the
 * cached state behind the status changes). The ref is lowercased, as the
 * catalog compares refs case-insensitively.
 */
export function entityStatusChannel(entityRef: string): string {
  return `service-mesh:entity:${entityRef.toLocaleLowerCase('en-US')}`;
}
