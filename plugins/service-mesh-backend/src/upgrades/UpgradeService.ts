import { randomUUID } from 'node:crypto';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  UpgradeDetails,
  UpgradeHistoryEvent,
  UpgradeSummary,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  applyOperation,
  createUpgradeState,
  planUpgrade,
  type UpgradeEvent,
  type UpgradeOperation,
  type UpgradePlan,
  type UpgradeRequest,
} from '../domain/upgrades';
import type { ClusterSnapshot } from '../domain/snapshot';
import type { UpgradeFilter } from '../database/UpgradeStore';
import type {
  MeshUpgradeStore,
  StoredMeshUpgrade,
  UpgradeRecorder,
} from './UpgradeRecorder';
import type { UpgradeClusters } from './UpgradeClusters';
import { detailsView, summaryView } from './upgradeView';

export interface UpgradeServiceOptions {
  store: MeshUpgradeStore;
  recorder: UpgradeRecorder;
  clusters: UpgradeClusters;
  now?: () => Date;
  /** Called after every change, so the runner acts on it without waiting for its next tick. */
  onChange?: (id: string) => void;
}

/** An operation as people ask for it; `start` is what create does. */
export type PersonOperation = Exclude<UpgradeOperation, { type: 'start' }>;

/** Who asks, and which cluster they think the upgrade is on. */
export interface OperationCaller {
  actor: string;
  cluster: string;
}

/** Refusals that mean the request itself is wrong (400), not the upgrade's phase (409). */
const BAD_OPERATION_CODES = [
  'SM-UPGRADE-UNKNOWN-OPERATION',
  'SM-UPGRADE-SKIP-REASON',
];

/** Attempts at an operation when the runner changes the upgrade meanwhile. */
const OPERATION_ATTEMPTS = 5;

/**
 * Plans, creates, reads and operates upgrades. Every decision is the pure
 * domain's (planner and state machine); this class reads the cluster caches
 * and the store, and maps refusals to HTTP errors: bad input 400, a refused
 * transition or a second active upgrade 409, an unknown upgrade 404.
 */
export class UpgradeService {
  private readonly now: () => Date;

  constructor(private readonly options: UpgradeServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The dry run: prechecks and the whole plan, from the cache as it is now. Writes nothing. */
  plan(request: UpgradeRequest): UpgradePlan {
    this.options.clusters.assertKnown(request.cluster);
    const snapshot = this.options.clusters.snapshot(request.cluster);
    const outcome = planUpgrade(snapshot, request);
    if (!outcome.ok) {
      const message = `${outcome.message} [${outcome.code}]`;
      throw outcome.kind === 'conflict'
        ? new ConflictError(message)
        : new InputError(message);
    }
    return outcome.plan;
  }

  /**
   * Plans again and starts the upgrade. A plan that prechecks block, or a
   * control plane that already has an active upgrade, gets 409 and nothing
   * is stored.
   */
  async create(
    request: UpgradeRequest,
    actor: string,
  ): Promise<UpgradeDetails> {
    const plan = this.plan(request);
    const id = randomUUID();
    const now = this.now();
    const created = createUpgradeState(id, request, plan, now);
    const started = applyOperation(
      created.state,
      { type: 'start' },
      { now, actor },
    );
    if (!started.ok) {
      throw new ConflictError(`${started.message} [${started.code}]`);
    }
    const events: UpgradeEvent[] = [
      ...created.events.map(e => ({ ...e, actor })),
      ...started.events,
    ];
    const stored = await this.options.recorder.create(
      {
        id,
        cluster: request.cluster,
        controlPlane: plan.controlPlane.namespace,
        fromRevision: plan.fromRevision,
        target: plan.targetVersion
          ? `${plan.targetRevision} (${plan.targetVersion})`
          : plan.targetRevision,
        phase: started.state.phase,
        spec: request,
        plan,
        state: started.state,
        createdBy: actor,
      },
      events,
    );
    this.options.onChange?.(stored.id);
    return this.details(stored);
  }

  async get(id: string): Promise<UpgradeDetails> {
    return this.details(await this.options.store.get(id));
  }

  async list(filter: UpgradeFilter = {}): Promise<UpgradeSummary[]> {
    const upgrades = await this.options.store.list(filter);
    return upgrades.map(summaryView);
  }

  async events(id: string): Promise<UpgradeHistoryEvent[]> {
    await this.options.store.get(id);
    const events = await this.options.store.listEvents(id);
    return events.map(e => {
      const data = (e.data ?? {}) as Partial<UpgradeHistoryEvent>;
      return {
        id: e.id,
        at: e.at,
        actor: e.actor,
        type: e.type,
        message: e.message,
        ...(data.batch !== undefined ? { batch: data.batch } : {}),
        ...(data.namespace !== undefined ? { namespace: data.namespace } : {}),
        ...(data.stepKey !== undefined ? { stepKey: data.stepKey } : {}),
      };
    });
  }

  /**
   * Applies an operation through the state machine. Repeating one that
   * already holds changes nothing; one that means nothing in the upgrade's
   * phase gets 409 with the machine's reason. A race with the runner is
   * decided again from the state it wrote.
   */
  async operate(
    id: string,
    operation: PersonOperation,
    caller: OperationCaller,
  ): Promise<UpgradeDetails> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.options.store.get(id);
      if (stored.cluster !== caller.cluster) {
        throw new InputError(
          `Upgrade ${id} runs on cluster ${stored.cluster}, not ${caller.cluster}; nothing was changed`,
        );
      }
      const transition = applyOperation(stored.state, operation, {
        now: this.now(),
        actor: caller.actor,
      });
      if (!transition.ok) {
        const message = `${transition.message} [${transition.code}]`;
        throw BAD_OPERATION_CODES.includes(transition.code)
          ? new InputError(message)
          : new ConflictError(message);
      }
      try {
        const saved = await this.options.recorder.save(stored, transition);
        if (saved !== stored) this.options.onChange?.(id);
        return this.details(saved);
      } catch (error) {
        const lostRace =
          error instanceof ConflictError &&
          /changed meanwhile/.test(error.message);
        if (!lostRace || attempt >= OPERATION_ATTEMPTS) throw error;
      }
    }
  }

  private details(stored: StoredMeshUpgrade): UpgradeDetails {
    let snapshot: ClusterSnapshot | undefined;
    try {
      snapshot = this.options.clusters.snapshot(stored.cluster);
    } catch {
      // The pod counts are left out while the cluster cannot be read.
    }
    return detailsView(stored, snapshot);
  }
}
