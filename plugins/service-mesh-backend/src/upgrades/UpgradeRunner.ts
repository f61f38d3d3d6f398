import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  advanceUpgrade,
  nextSteps,
  recordStepFailure,
  type Transition,
  type UpgradeStep,
} from '../domain/upgrades';
import { ACTIVE_UPGRADE_PHASES } from '../database/UpgradeStore';
import type {
  MeshUpgradeStore,
  StoredMeshUpgrade,
  UpgradeRecorder,
} from './UpgradeRecorder';
import { executeStep, isWriteStep } from './executeStep';
import type { UpgradeClusters } from './UpgradeClusters';

/** Phases in which every step not asked for any more is made (ended ones: all of them). */
const RECOVERABLE_PHASES = [
  'Running',
  'RollingBack',
  'Succeeded',
  'RolledBack',
];

export interface UpgradeRunnerOptions {
  store: MeshUpgradeStore;
  recorder: UpgradeRecorder;
  clusters: UpgradeClusters;
  logger: LoggerService;
  /** This backend instance, as its claims name it; random by default. */
  instanceId?: string;
  /** How long a claim lasts without renewal; another instance takes over after it. */
  leaseMs?: number;
  /** How often every held upgrade is looked at, even when nothing changed (deadlines). */
  tickMs?: number;
  /** How often the caches are checked for changes, so a Ready pod is noticed at once. */
  pollMs?: number;
  /** Writes per upgrade before others get their turn. */
  stepsPerPass?: number;
  now?: () => Date;
}

/**
 * Runs upgrades: claims active ones with a lease it keeps renewing, and for
 * each, advances the state from the cache (gates, batches, finishing),
 * saves it, then executes the next write, one step at a time, recording it
 * before and after. An upgrade whose holder stops renewing is taken over by
 * another instance, which resumes from the store. Looks again on every tick,
 * on every change of a held upgrade's cluster cache, and when woken.
 */
export class UpgradeRunner {
  readonly instanceId: string;
  private readonly leaseMs: number;
  private readonly held = new Map<
    string,
    {
      cluster: string;
      renewedAt: number;
      seenChanges: number;
      /** Just claimed: steps interrupted under an earlier holder are checked first. */
      recover: boolean;
    }
  >();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastPass = 0;
  private woken = true;
  /** Set by stop(): no new pass starts, and a pass in progress ends after its step. */
  private stopping = false;

  constructor(private readonly options: UpgradeRunnerOptions) {
    this.instanceId = options.instanceId ?? `service-mesh-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  start(): void {
    if (this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => this.poll(), this.options.pollMs ?? 100);
    this.timer.unref?.();
  }

  /** Stops after the step in progress, and releases every claim so another instance can take over at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    for (const upgradeId of this.held.keys()) {
      await this.options.store
        .release({ upgradeId, instanceId: this.instanceId })
        .catch(() => undefined);
    }
    this.held.clear();
  }

  /** Looks at the upgrades again at the next poll (after an operation or a create). */
  wake(): void {
    this.woken = true;
  }

  private poll() {
    if (this.running || this.stopping) return;
    const due =
      this.woken ||
      Date.now() - this.lastPass >= (this.options.tickMs ?? 1_000) ||
      [...this.held.values()].some(
        h => this.changesOf(h.cluster) !== h.seenChanges,
      );
    if (!due) return;
    this.running = this.runOnce()
      .catch(error =>
        this.options.logger.error(`service-mesh: upgrade runner: ${error}`),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** One pass: claim what nobody runs, renew what we hold, and drive each. */
  async runOnce(): Promise<void> {
    this.woken = false;
    this.lastPass = Date.now();
    await this.claimAvailable();
    for (const [id, holding] of [...this.held]) {
      if (this.stopping) return;
      holding.seenChanges = this.changesOf(holding.cluster);
      if (!(await this.renewIfDue(id))) continue;
      try {
        await this.drive(id);
      } catch (error) {
        // An unreadable cluster is waited for (the status page shows it).
        const log =
          error instanceof ServiceUnavailableError
            ? this.options.logger.debug
            : this.options.logger.warn;
        log.call(
          this.options.logger,
          `service-mesh: upgrade ${id}: ${error}; trying again shortly`,
        );
      }
    }
  }

  private async claimAvailable() {
    for (;;) {
      const claimed = await this.options.store.claim({
        instanceId: this.instanceId,
        leaseMs: this.leaseMs,
      });
      if (!claimed) return;
      this.options.logger.info(
        `service-mesh: upgrade ${claimed.id} (${claimed.cluster}/${claimed.controlPlane}) claimed by ${this.instanceId}`,
      );
      this.held.set(claimed.id, {
        cluster: claimed.cluster,
        renewedAt: Date.now(),
        seenChanges: -1,
        recover: true,
      });
    }
  }

  /** Renews a third of the way into the lease; false (and forgotten) when the claim was lost. */
  private async renewIfDue(id: string): Promise<boolean> {
    const holding = this.held.get(id);
    if (!holding) return false;
    if (Date.now() - holding.renewedAt < this.leaseMs / 3) return true;
    const renewed = await this.options.store.renew({
      upgradeId: id,
      instanceId: this.instanceId,
      leaseMs: this.leaseMs,
    });
    if (!renewed) {
      this.options.logger.warn(
        `service-mesh: upgrade ${id}: claim lost to another instance`,
      );
      this.held.delete(id);
      return false;
    }
    holding.renewedAt = Date.now();
    return true;
  }

  private changesOf(cluster: string): number {
    try {
      return this.options.clusters.changeCount(cluster);
    } catch {
      return -1;
    }
  }

  /**
   * Advances one upgrade as far as the cluster allows now: state from the
   * cache, then one write, then again, up to `stepsPerPass` writes.
   */
  private async drive(id: string): Promise<void> {
    const { store, clusters } = this.options;
    const now = this.options.now ?? (() => new Date());
    for (let i = 0; i < (this.options.stepsPerPass ?? 25); i++) {
      if (this.stopping) return;
      let stored: StoredMeshUpgrade;
      try {
        stored = await store.get(id);
      } catch (error) {
        if (error instanceof NotFoundError) this.held.delete(id);
        throw error;
      }
      if (!ACTIVE_UPGRADE_PHASES.has(stored.phase)) {
        await this.letGo(id);
        return;
      }
      if (stored.claim?.instanceId !== this.instanceId) {
        this.held.delete(id);
        return;
      }
      const snapshot = clusters.snapshot(stored.cluster);
      const advanced = await this.save(
        stored,
        advanceUpgrade(stored.state, snapshot, now()),
      );
      if (!advanced) return;
      const steps = nextSteps(advanced.state, snapshot).filter(isWriteStep);
      if (this.held.get(id)?.recover) {
        await this.recoverInterrupted(advanced, steps);
      }
      if (!ACTIVE_UPGRADE_PHASES.has(advanced.phase)) {
        await this.letGo(id);
        return;
      }
      const step = steps[0];
      if (!step) return;
      if (!(await this.renewIfDue(id))) return;
      const outcome = await executeStep({
        store,
        clusters,
        upgrade: advanced,
        step,
        instanceId: this.instanceId,
        logger: this.options.logger,
        now,
      });
      if (outcome.result === 'failed') {
        await this.save(
          advanced,
          recordStepFailure(
            advanced.state,
            stepRef(step),
            outcome.message,
            now(),
          ),
        );
        return;
      }
      if (outcome.result === 'later') return;
    }
    this.wake();
  }

  /**
   * Saves a transition. Undefined when someone else (an operation) changed
   * the upgrade first: it is looked at again from what they wrote.
   */
  private async save(
    stored: StoredMeshUpgrade,
    transition: Transition,
  ): Promise<StoredMeshUpgrade | undefined> {
    if (!transition.ok) {
      throw new Error(`${transition.message} [${transition.code}]`);
    }
    try {
      return await this.options.recorder.save(stored, transition);
    } catch (error) {
      if (error instanceof ConflictError) {
        this.wake();
        return undefined;
      }
      throw error;
    }
  }

  /**
   * After a takeover: steps the previous holder recorded started but not
   * done. One the cluster no longer asks for was made before the crash, and
   * is recorded done without acting again; the others run again, re-reading
   * their object first.
   */
  private async recoverInterrupted(
    upgrade: StoredMeshUpgrade,
    wanted: UpgradeStep[],
  ) {
    // Only where the steps left to do are known: a paused upgrade asks for none.
    if (!RECOVERABLE_PHASES.includes(upgrade.phase)) return;
    const holding = this.held.get(upgrade.id);
    const interrupted = (await this.options.store.listSteps(upgrade.id)).filter(
      s => s.status === 'started' && !wanted.some(w => w.key === s.stepKey),
    );
    for (const step of interrupted) {
      const ref = {
        upgradeId: upgrade.id,
        stepKey: step.stepKey,
        instanceId: this.instanceId,
      };
      // Started once more, then done: its attempts count the interrupted one.
      await this.options.store.recordStepStarted(ref);
      await this.options.store.recordStepDone({
        ...ref,
        result: { wrote: 'before an interruption; the cluster shows it made' },
      });
    }
    if (holding) holding.recover = false;
  }

  private async letGo(id: string) {
    this.held.delete(id);
    await this.options.store.release({
      upgradeId: id,
      instanceId: this.instanceId,
    });
  }
}

function stepRef(step: UpgradeStep): { key: string; namespace?: string } {
  return 'namespace' in step
    ? { key: step.key, namespace: step.namespace }
    : { key: step.key };
}
