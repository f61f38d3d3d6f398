import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { UpgradePhase } from '../domain/upgrades/types';
import {
  ACTIVE_UPGRADE_PHASES,
  ClaimOptions,
  NewUpgrade,
  NewUpgradeEvent,
  StoredUpgrade,
  StoredUpgradeEvent,
  StoredUpgradeStep,
  UpgradeDocuments,
  UpgradeFilter,
  UpgradeStepRef,
  UpgradeStepStatus,
  UpgradeStore,
  UpgradeUpdate,
} from './UpgradeStore';

export const migrationsDir = resolvePackagePath(
  '@mesh-backstage/plugin-service-mesh-backend',
  'migrations',
);

/** PostgreSQL returns timestamps as Date, SQLite as milliseconds. */
type DbTimestamp = Date | number | string;

type UpgradeRow = {
  id: string;
  cluster: string;
  control_plane: string;
  from_revision: string;
  target: string;
  phase: UpgradePhase;
  /** "<cluster>/<control plane>" in an active phase, else NULL; unique. */
  active_key: string | null;
  spec: string;
  plan: string;
  state: string;
  created_by: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  version: number;
  claimed_by: string | null;
  lease_expires_at: DbTimestamp | null;
};

type StepRow = {
  upgrade_id: string;
  step_key: string;
  status: UpgradeStepStatus;
  attempts: number;
  started_at: DbTimestamp;
  finished_at: DbTimestamp | null;
  result: string | null;
};

type EventRow = {
  id: number | string;
  upgrade_id: string;
  at: DbTimestamp;
  actor: string;
  type: string;
  message: string;
  data: string | null;
};

export type DatabaseUpgradeStoreOptions = {
  database: DatabaseService;
  skipMigrations?: boolean;
  /**
   * The clock leases are measured by. Instances compare each other's leases,
   * so their clocks must agree to well within a lease (NTP does).
   */
  now?: () => Date;
};

const toIso = (value: DbTimestamp) => new Date(value).toISOString();
const toJson = (value: unknown) => JSON.stringify(value ?? null);
const fromJson = (value: string | null) =>
  value === null ? undefined : JSON.parse(value);
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  // PostgreSQL's unique_violation, and better-sqlite3's.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Stores upgrades through the Backstage database service (SQLite or PostgreSQL). */
export class DatabaseUpgradeStore<D extends UpgradeDocuments = UpgradeDocuments>
  implements UpgradeStore<D>
{
  static async create<D extends UpgradeDocuments = UpgradeDocuments>(
    options: DatabaseUpgradeStoreOptions,
  ): Promise<DatabaseUpgradeStore<D>> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseUpgradeStore<D>(
      client,
      options.now ?? (() => new Date()),
    );
  }

  private readonly isSqlite: boolean;

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {
    this.isSqlite = String(db.client.config.client).includes('sqlite');
  }

  async create(upgrade: NewUpgrade<D>): Promise<StoredUpgrade<D>> {
    const now = this.now();
    const row: UpgradeRow = {
      id: upgrade.id ?? randomUUID(),
      cluster: upgrade.cluster,
      control_plane: upgrade.controlPlane,
      from_revision: upgrade.fromRevision,
      target: upgrade.target,
      phase: upgrade.phase,
      active_key: ACTIVE_UPGRADE_PHASES.has(upgrade.phase)
        ? `${upgrade.cluster}/${upgrade.controlPlane}`
        : null,
      spec: toJson(upgrade.spec),
      plan: toJson(upgrade.plan),
      state: toJson(upgrade.state),
      created_by: upgrade.createdBy,
      created_at: now,
      updated_at: now,
      version: 1,
      claimed_by: null,
      lease_expires_at: null,
    };
    try {
      await this.db<UpgradeRow>('upgrades').insert(row);
    } catch (error) {
      throw await this.explainConflict(error, upgrade);
    }
    return this.toUpgrade(row);
  }

  async get(id: string): Promise<StoredUpgrade<D>> {
    const row = await this.db<UpgradeRow>('upgrades').where({ id }).first();
    if (!row) throw new NotFoundError(`No upgrade with id '${id}'`);
    return this.toUpgrade(row);
  }

  async list(filter: UpgradeFilter = {}): Promise<StoredUpgrade<D>[]> {
    const query = this.db<UpgradeRow>('upgrades').orderBy('created_at', 'desc');
    if (filter.cluster !== undefined) query.where('cluster', filter.cluster);
    if (filter.controlPlane !== undefined) {
      query.where('control_plane', filter.controlPlane);
    }
    if (filter.active === true) query.whereNotNull('active_key');
    if (filter.active === false) query.whereNull('active_key');
    const rows: UpgradeRow[] = await query;
    return rows.map(row => this.toUpgrade(row));
  }

  async update(update: UpgradeUpdate<D>): Promise<StoredUpgrade<D>> {
    const changes: Partial<Knex.MaybeRawRecord<UpgradeRow>> = {
      updated_at: this.now(),
      version: update.expectedVersion + 1,
    };
    if (update.phase !== undefined) {
      changes.phase = update.phase;
      // Built from the row's own columns, so that it takes one statement.
      changes.active_key = ACTIVE_UPGRADE_PHASES.has(update.phase)
        ? this.db.raw(`?? || '/' || ??`, ['cluster', 'control_plane'])
        : null;
    }
    if (update.spec !== undefined) changes.spec = toJson(update.spec);
    if (update.plan !== undefined) changes.plan = toJson(update.plan);
    if (update.state !== undefined) changes.state = toJson(update.state);

    let count: number;
    try {
      count = await this.db<UpgradeRow>('upgrades')
        .where({ id: update.id, version: update.expectedVersion })
        .update(changes);
    } catch (error) {
      throw await this.explainConflict(error, await this.get(update.id));
    }
    if (count === 0) {
      const current = await this.get(update.id);
      throw new ConflictError(
        `Upgrade '${update.id}' changed meanwhile: it is at version ${current.version}, not ${update.expectedVersion}`,
      );
    }
    return this.get(update.id);
  }

  async recordStepStarted(ref: UpgradeStepRef): Promise<StoredUpgradeStep> {
    return this.db.transaction(async tx => {
      await this.assertClaimed(tx, ref);
      const key = { upgrade_id: ref.upgradeId, step_key: ref.stepKey };
      const row = await tx<StepRow>('upgrade_steps').where(key).first();
      if (row?.status === 'done') return this.toStep(row);
      const started: StepRow = {
        ...key,
        status: 'started',
        attempts: (row?.attempts ?? 0) + 1,
        started_at: this.now(),
        finished_at: null,
        result: null,
      };
      if (row) {
        await tx<StepRow>('upgrade_steps').where(key).update(started);
      } else {
        await tx<StepRow>('upgrade_steps').insert(started);
      }
      return this.toStep(started);
    });
  }

  recordStepDone(
    step: UpgradeStepRef & { result?: unknown },
  ): Promise<StoredUpgradeStep> {
    return this.finishStep(step, 'done');
  }

  recordStepFailed(
    step: UpgradeStepRef & { result?: unknown },
  ): Promise<StoredUpgradeStep> {
    return this.finishStep(step, 'failed');
  }

  async listSteps(upgradeId: string): Promise<StoredUpgradeStep[]> {
    const rows: StepRow[] = await this.db<StepRow>('upgrade_steps')
      .where({ upgrade_id: upgradeId })
      .orderBy([{ column: 'started_at' }, { column: 'step_key' }]);
    return rows.map(row => this.toStep(row));
  }

  async appendEvent(event: NewUpgradeEvent): Promise<StoredUpgradeEvent> {
    const row: Omit<EventRow, 'id'> = {
      upgrade_id: event.upgradeId,
      at: this.now(),
      actor: event.actor,
      type: event.type,
      message: event.message,
      data: event.data === undefined ? null : toJson(event.data),
    };
    const [inserted] = await this.db<EventRow>('upgrade_events')
      .insert(row)
      .returning('id');
    const id = typeof inserted === 'object' ? inserted.id : inserted;
    return this.toEvent({ ...row, id });
  }

  async listEvents(
    upgradeId: string,
    options: { afterId?: number } = {},
  ): Promise<StoredUpgradeEvent[]> {
    const query = this.db<EventRow>('upgrade_events')
      .where({ upgrade_id: upgradeId })
      .orderBy('id');
    if (options.afterId !== undefined) query.where('id', '>', options.afterId);
    const rows: EventRow[] = await query;
    return rows.map(row => this.toEvent(row));
  }

  async claim(options: ClaimOptions): Promise<StoredUpgrade<D> | undefined> {
    const { upgradeId, instanceId, leaseMs } = options;
    return this.db.transaction(async tx => {
      // Another instance may take the candidate first: then try the next one.
      for (;;) {
        const now = this.now();
        const isClaimable = (q: Knex.QueryBuilder) =>
          q
            .whereNotNull('active_key')
            .where(claimable(now, upgradeId ? instanceId : undefined));
        const candidate = await tx<UpgradeRow>('upgrades')
          .modify(isClaimable)
          .modify(q => (upgradeId ? q.where({ id: upgradeId }) : q))
          .orderBy('created_at')
          .first('id');
        if (!candidate) return undefined;
        // Taken only if still claimable: the update is the compare-and-set.
        const count = await tx<UpgradeRow>('upgrades')
          .where({ id: candidate.id })
          .modify(isClaimable)
          .update({
            claimed_by: instanceId,
            lease_expires_at: new Date(now.getTime() + leaseMs),
          });
        if (count === 1) {
          const row = await tx<UpgradeRow>('upgrades')
            .where({ id: candidate.id })
            .first();
          return this.toUpgrade(row!);
        }
        if (upgradeId) return undefined;
      }
    });
  }

  async renew(options: Required<ClaimOptions>): Promise<boolean> {
    const { upgradeId, instanceId, leaseMs } = options;
    const count = await this.db<UpgradeRow>('upgrades')
      .where({ id: upgradeId, claimed_by: instanceId })
      .update({
        lease_expires_at: new Date(this.now().getTime() + leaseMs),
      });
    return count === 1;
  }

  async release(options: {
    upgradeId: string;
    instanceId: string;
  }): Promise<void> {
    await this.db<UpgradeRow>('upgrades')
      .where({ id: options.upgradeId, claimed_by: options.instanceId })
      .update({ claimed_by: null, lease_expires_at: null });
  }

  /** A unique violation of the active key means another upgrade is running there. */
  private async explainConflict(
    error: unknown,
    upgrade: { cluster: string; controlPlane: string },
  ): Promise<unknown> {
    if (!isUniqueViolation(error)) return error;
    const { cluster, controlPlane } = upgrade;
    const running = await this.db<UpgradeRow>('upgrades')
      .where({ active_key: `${cluster}/${controlPlane}` })
      .first('id');
    return new ConflictError(
      `An upgrade of control plane '${controlPlane}' on cluster '${cluster}' is already running${
        running ? ` (${running.id})` : ''
      }`,
    );
  }

  private async finishStep(
    step: UpgradeStepRef & { result?: unknown },
    status: 'done' | 'failed',
  ): Promise<StoredUpgradeStep> {
    return this.db.transaction(async tx => {
      await this.assertClaimed(tx, step);
      const key = { upgrade_id: step.upgradeId, step_key: step.stepKey };
      const row = await tx<StepRow>('upgrade_steps').where(key).first();
      if (row?.status === 'done') return this.toStep(row);
      if (row?.status !== 'started') {
        throw new ConflictError(
          `Step '${step.stepKey}' of upgrade '${step.upgradeId}' is not started`,
        );
      }
      const finished: StepRow = {
        ...row,
        status,
        finished_at: this.now(),
        result: step.result === undefined ? null : toJson(step.result),
      };
      await tx<StepRow>('upgrade_steps').where(key).update(finished);
      return this.toStep(finished);
    });
  }

  /**
   * A step is recorded only by the instance holding the upgrade's lease. The
   * upgrade's row stays locked until the step is written, so that no other
   * instance can take the claim in between (SQLite runs one write
   * transaction at a time anyway).
   */
  private async assertClaimed(tx: Knex.Transaction, ref: UpgradeStepRef) {
    const query = tx<UpgradeRow>('upgrades')
      .where({ id: ref.upgradeId })
      .first('claimed_by', 'lease_expires_at');
    const row = await (this.isSqlite ? query : query.forUpdate());
    if (!row) throw new NotFoundError(`No upgrade with id '${ref.upgradeId}'`);
    const held =
      row.claimed_by === ref.instanceId &&
      row.lease_expires_at !== null &&
      new Date(row.lease_expires_at).getTime() > this.now().getTime();
    if (!held) {
      throw new ConflictError(
        `Upgrade '${ref.upgradeId}' is not claimed by '${ref.instanceId}'`,
      );
    }
  }

  private toUpgrade(row: UpgradeRow): StoredUpgrade<D> {
    return {
      id: row.id,
      cluster: row.cluster,
      controlPlane: row.control_plane,
      fromRevision: row.from_revision,
      target: row.target,
      phase: row.phase,
      active: row.active_key !== null,
      spec: JSON.parse(row.spec),
      plan: JSON.parse(row.plan),
      state: JSON.parse(row.state),
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
      version: row.version,
      claim:
        row.claimed_by !== null && row.lease_expires_at !== null
          ? {
              instanceId: row.claimed_by,
              leaseExpiresAt: toIso(row.lease_expires_at),
            }
          : undefined,
    };
  }

  private toStep(row: StepRow): StoredUpgradeStep {
    return {
      upgradeId: row.upgrade_id,
      stepKey: row.step_key,
      status: row.status,
      attempts: row.attempts,
      startedAt: toIso(row.started_at),
      finishedAt: row.finished_at === null ? undefined : toIso(row.finished_at),
      result: fromJson(row.result),
    };
  }

  private toEvent(row: EventRow): StoredUpgradeEvent {
    return {
      id: Number(row.id),
      upgradeId: row.upgrade_id,
      at: toIso(row.at),
      actor: row.actor,
      type: row.type,
      message: row.message,
      data: fromJson(row.data),
    };
  }
}

/**
 * Unclaimed, or its lease expired; with `holder`, also already held by it
 * (claiming one's own upgrade again renews it).
 */
function claimable(now: Date, holder?: string) {
  return (q: Knex.QueryBuilder) => {
    q.whereNull('claimed_by').orWhere('lease_expires_at', '<=', now);
    if (holder) q.orWhere('claimed_by', holder);
  };
}
