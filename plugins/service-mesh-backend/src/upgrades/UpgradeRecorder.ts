import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  UPGRADES_CHANNEL,
  upgradeChannel,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type {
  MeshUpgradeDocuments,
  NewUpgrade,
  StoredUpgrade,
  UpgradeStore,
} from '../database/UpgradeStore';
import type { UpgradeEvent, UpgradeState } from '../domain/upgrades';

export type MeshUpgradeStore = UpgradeStore<MeshUpgradeDocuments>;
export type StoredMeshUpgrade = StoredUpgrade<MeshUpgradeDocuments>;

/** Who the runner's own events are by. */
export const RUNNER_ACTOR = 'service-mesh:upgrade-runner';

/** What a signal says: enough to know that the client should reload, and what changed. */
export interface UpgradeSignal {
  [key: string]: string | number | string[];
  id: string;
  cluster: string;
  phase: string;
  version: number;
  updatedAt: string;
  /** The types of the events of this change, in order. */
  events: string[];
}

/**
 * Writes an upgrade's state changes: the new state (optimistically, against
 * the version it was computed from), its events, and a signal on the
 * upgrade's channel and the list's. A signal that cannot be sent is logged:
 * clients reload the whole state when they reconnect.
 */
export class UpgradeRecorder {
  constructor(
    private readonly store: MeshUpgradeStore,
    private readonly logger: LoggerService,
    private readonly signals?: SignalsService,
  ) {}

  async create(
    upgrade: NewUpgrade<MeshUpgradeDocuments>,
    events: UpgradeEvent[],
  ): Promise<StoredMeshUpgrade> {
    const stored = await this.store.create(upgrade);
    await this.appendEvents(stored.id, events, upgrade.createdBy);
    await this.publish(stored, events);
    return stored;
  }

  /**
   * Saves a transition computed from `stored`. Throws ConflictError when the
   * upgrade changed meanwhile (the caller re-reads and decides again).
   */
  async save(
    stored: StoredMeshUpgrade,
    transition: { state: UpgradeState; events: UpgradeEvent[] },
  ): Promise<StoredMeshUpgrade> {
    const { state, events } = transition;
    if (state === stored.state && events.length === 0) {
      return stored;
    }
    const updated = await this.store.update({
      id: stored.id,
      expectedVersion: stored.version,
      phase: state.phase,
      state,
    });
    await this.appendEvents(stored.id, events);
    await this.publish(updated, events);
    return updated;
  }

  private async appendEvents(
    upgradeId: string,
    events: UpgradeEvent[],
    defaultActor = RUNNER_ACTOR,
  ) {
    for (const { actor, type, message, at: _at, ...data } of events) {
      await this.store.appendEvent({
        upgradeId,
        actor: actor ?? defaultActor,
        type,
        message,
        data: Object.keys(data).length > 0 ? data : undefined,
      });
    }
  }

  private async publish(upgrade: StoredMeshUpgrade, events: UpgradeEvent[]) {
    if (!this.signals) return;
    const message: UpgradeSignal = {
      id: upgrade.id,
      cluster: upgrade.cluster,
      phase: upgrade.phase,
      version: upgrade.version,
      updatedAt: upgrade.updatedAt,
      events: events.map(e => e.type),
    };
    for (const channel of [upgradeChannel(upgrade.id), UPGRADES_CHANNEL]) {
      try {
        await this.signals.publish({
          recipients: { type: 'broadcast' },
          channel,
          message,
        });
      } catch (error) {
        this.logger.warn(
          `service-mesh: could not publish the signal of upgrade ${upgrade.id} on ${channel}: ${error}`,
        );
      }
    }
  }
}
