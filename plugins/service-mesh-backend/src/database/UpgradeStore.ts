import { ACTIVE_PHASES } from '../domain/upgrades/machine';
import type {
  UpgradePhase,
  UpgradePlan,
  UpgradeRequest,
  UpgradeState,
} from '../domain/upgrades/types';

/**
 * The JSON documents an upgrade carries: what was asked (spec), the plan made
 * from it, and the runner's progress (state). The store keeps them as they are
 * given; their shapes belong to the upgrade domain.
 */
export type UpgradeDocuments = {
  spec: unknown;
  plan: unknown;
  state: unknown;
};

/** The documents of a canary control-plane upgrade, as the upgrade domain shapes them. */
export type MeshUpgradeDocuments = {
  spec: UpgradeRequest;
  plan: UpgradePlan;
  state: UpgradeState;
};

/**
 * The phases in which an upgrade holds its control plane: at most one upgrade
 * per control plane is in one of them, and only these are run (claimed).
 */
export const ACTIVE_UPGRADE_PHASES: ReadonlySet<UpgradePhase> = new Set(
  ACTIVE_PHASES,
);

/** The backend instance running an upgrade, until its lease expires. */
export type UpgradeClaim = {
  instanceId: string;
  leaseExpiresAt: string;
};

export type StoredUpgrade<D extends UpgradeDocuments = UpgradeDocuments> = {
  id: string;
  cluster: string;
  controlPlane: string;
  fromRevision: string;
  target: string;
  phase: UpgradePhase;
  /** In one of the ACTIVE_UPGRADE_PHASES. */
  active: boolean;
  spec: D['spec'];
  plan: D['plan'];
  state: D['state'];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every update; an update names the version it read. */
  version: number;
  claim?: UpgradeClaim;
};

export type NewUpgrade<D extends UpgradeDocuments = UpgradeDocuments> = Pick<
  StoredUpgrade<D>,
  | 'cluster'
  | 'controlPlane'
  | 'fromRevision'
  | 'target'
  | 'phase'
  | 'spec'
  | 'plan'
  | 'state'
  | 'createdBy'
> & {
  /** Chosen by the caller when the documents must name it; a random UUID otherwise. */
  id?: string;
};

export type UpgradeUpdate<D extends UpgradeDocuments = UpgradeDocuments> =
  Partial<Pick<StoredUpgrade<D>, 'phase' | 'spec' | 'plan' | 'state'>> & {
    id: string;
    /** The version the change was computed from; any other version is a lost race. */
    expectedVersion: number;
  };

export type UpgradeFilter = {
  cluster?: string;
  controlPlane?: string;
  active?: boolean;
};

/**
 * A step is recorded as started before it acts and as done or failed after.
 * `attempts` above 1 means an earlier attempt was interrupted or failed, and
 * may have acted already.
 */
export type UpgradeStepStatus = 'started' | 'done' | 'failed';

export type StoredUpgradeStep = {
  upgradeId: string;
  stepKey: string;
  status: UpgradeStepStatus;
  attempts: number;
  startedAt: string;
  finishedAt?: string;
  result?: unknown;
};

/** Names the step, and the claim it is recorded under. */
export type UpgradeStepRef = {
  upgradeId: string;
  stepKey: string;
  instanceId: string;
};

export type StoredUpgradeEvent = {
  id: number;
  upgradeId: string;
  at: string;
  actor: string;
  type: string;
  message: string;
  data?: unknown;
};

export type NewUpgradeEvent = Omit<StoredUpgradeEvent, 'id' | 'at'>;

export type ClaimOptions = {
  /** The upgrade to claim; without it, the oldest active upgrade nobody holds. */
  upgradeId?: string;
  instanceId: string;
  leaseMs: number;
};

/**
 * Persists upgrades, their steps and their event history.
 *
 * Conflicts (a second active upgrade of a control plane, whether created or
 * moved into an active phase; a stale version; a step recorded without the
 * claim) throw `ConflictError`; a missing upgrade throws `NotFoundError`.
 */
export interface UpgradeStore<D extends UpgradeDocuments = UpgradeDocuments> {
  create(upgrade: NewUpgrade<D>): Promise<StoredUpgrade<D>>;
  get(id: string): Promise<StoredUpgrade<D>>;
  /** Newest first. */
  list(filter?: UpgradeFilter): Promise<StoredUpgrade<D>[]>;
  update(update: UpgradeUpdate<D>): Promise<StoredUpgrade<D>>;

  /**
   * A step already done is returned as done, and must not act again;
   * otherwise it is (re)started with one more attempt.
   */
  recordStepStarted(step: UpgradeStepRef): Promise<StoredUpgradeStep>;
  /** A step already done keeps its first result. */
  recordStepDone(
    step: UpgradeStepRef & { result?: unknown },
  ): Promise<StoredUpgradeStep>;
  recordStepFailed(
    step: UpgradeStepRef & { result?: unknown },
  ): Promise<StoredUpgradeStep>;
  listSteps(upgradeId: string): Promise<StoredUpgradeStep[]>;

  appendEvent(event: NewUpgradeEvent): Promise<StoredUpgradeEvent>;
  /** In the order they were appended. */
  listEvents(
    upgradeId: string,
    options?: { afterId?: number },
  ): Promise<StoredUpgradeEvent[]>;

  /**
   * Takes an active upgrade that nobody holds or whose holder's lease has
   * expired. Returns undefined when there is none to take.
   */
  claim(options: ClaimOptions): Promise<StoredUpgrade<D> | undefined>;
  /** Extends the lease; false when the claim was lost to another instance. */
  renew(options: Required<ClaimOptions>): Promise<boolean>;
  release(options: { upgradeId: string; instanceId: string }): Promise<void>;
}
