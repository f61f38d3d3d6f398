import type {
  KubeOperation,
  MeshFlavour,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';

/*
 * The types of a canary control-plane upgrade: what is asked for, the plan
 * made from a snapshot, and the state a store persists and a runner
 * advances. Plain JSON throughout, so a store can keep each as one column.
 */

/** What the upgrade moves the data plane to. */
export type UpgradeTarget =
  /** A revision installed beside the old one (`istioctl install --set revision=...`, or an existing Sail IstioRevision). */
  | { type: 'revision'; revision: string }
  /** Sail: a new `Istio.spec.version` (RevisionBased); OSSM 2: a new SMCP `spec.version`. */
  | { type: 'version'; version: string };

/** The namespaces that go first. */
export interface CanarySelection {
  /** Namespaces chosen by name. */
  namespaces?: string[];
  /**
   * A canary revision tag: chosen namespaces are labelled with it, or, when
   * no namespaces are named, the canary is every namespace already using it.
   * The tag is moved to the target before the canary batch.
   */
  tag?: string;
}

export interface UpgradeOptions {
  canary?: CanarySelection;
  /** Namespaces per batch after the canary (1 to 1000). */
  batchSize: number;
  /** How many batches migrate at once. */
  parallelism: number;
  /** How long a batch may take to pass its gate. */
  readinessDeadlineSeconds: number;
  /** Wait for a person to promote after the canary batch passes. */
  pauseAfterCanary: boolean;
  /** Revision tags to point at the target, such as `prod-stable` and `default`. */
  moveTags: string[];
  /** Also move namespaces labelled with the old revision's own name. */
  movePinnedNamespaces: boolean;
  /** Prechecks to override: `true` for all, or their names. */
  force?: boolean | PrecheckName[];
}

export const DEFAULT_UPGRADE_OPTIONS: UpgradeOptions = {
  batchSize: 10,
  parallelism: 1,
  readinessDeadlineSeconds: 300,
  pauseAfterCanary: true,
  moveTags: [],
  movePinnedNamespaces: false,
};

export interface UpgradeRequest {
  cluster: string;
  /** The control plane: its namespace, and its SMCP or Istio name when it has one. */
  controlPlane: { namespace: string; name?: string };
  fromRevision: string;
  target: UpgradeTarget;
  options: UpgradeOptions;
}

// ---------------------------------------------------------------- the plan

export type PrecheckName =
  | 'targetReady'
  | 'injectorWebhook'
  | 'conflictingLabels'
  | 'proxySkew'
  | 'validatingWebhook'
  | 'cniNetworkAttachments';

export interface PrecheckResult {
  name: PrecheckName;
  passed: boolean;
  /** Failed and overridden by `force`. */
  forced: boolean;
  /** Failed and not forced: the upgrade cannot start. */
  blocking: boolean;
  /** One sentence for people. */
  message: string;
  /** The objects at fault, such as namespace names. */
  details?: string[];
}

/** The injection labels of a namespace (absent keys are absent labels). */
export interface InjectionLabels {
  'istio-injection'?: string;
  'istio.io/rev'?: string;
}

/**
 * How a namespace reaches the target:
 * - `relabel`: `istio.io/rev` set (and `istio-injection` removed), then restarts;
 * - `followsTag`: its tag is moved, then restarts;
 * - `restartOnly`: its injection already points at the target (OSSM 2, or a
 *   canary tag already moved), so restarts alone move it.
 */
export type NamespaceMove = 'relabel' | 'followsTag' | 'restartOnly';

export interface WorkloadRestart {
  workload: WorkloadRef;
  /** Pods that the restart replaces, by name. */
  pods: string[];
}

export interface NamespacePlan {
  namespace: string;
  /** Index into `UpgradePlan.batches`. */
  batch: number;
  move: NamespaceMove;
  /** The tag it follows (`followsTag`). */
  tag?: string;
  /** Injection labels before the upgrade, restored by a rollback. */
  previousLabels: InjectionLabels;
  /** Injection labels after the move. */
  targetLabels: InjectionLabels;
  /** The label change as planned (`relabel`); recomputed from fresh objects when run. */
  labelChange?: KubeOperation;
  restarts: WorkloadRestart[];
  /** Workloads whose pods opt out of injection: reported, not restarted or waited for. */
  optedOut: WorkloadRef[];
}

export type StayReason =
  | 'pinnedByName'
  | 'tagNotMoved'
  | 'defaultNotMoved'
  | 'workloadPinned'
  | 'notInPlan';

export interface StayingOnOldRevision {
  namespace: string;
  /** Set when a single workload stays while its namespace moves. */
  workload?: WorkloadRef;
  reason: StayReason;
  message: string;
}

export interface PlannedBatch {
  index: number;
  canary: boolean;
  namespaces: string[];
  /** Tags moved just before this batch starts (its namespaces follow them). */
  tagMovesBefore: string[];
}

export interface PlannedTagMove {
  tag: string;
  fromRevision: string;
  toRevision: string;
  /** Sail: a tag whose targetRef is the `Istio` follows the active revision by itself. */
  automatic: boolean;
  operation?: KubeOperation;
  /** The batch it precedes; absent means at the end, after every batch. */
  beforeBatch?: number;
}

/** A change to the control plane itself, made before any namespace moves. */
export interface ControlPlaneStep {
  type: 'setVersion';
  resource: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  };
  fromVersion?: string;
  toVersion: string;
  operation: KubeOperation;
  /** Sail: the IstioRevision to wait for; OSSM 2: the SMCP's own revision. */
  awaitRevision: string;
}

export interface UpgradePlan {
  flavour: MeshFlavour;
  cluster: string;
  controlPlane: { namespace: string; name?: string };
  fromRevision: string;
  fromVersion?: string;
  targetRevision: string;
  targetVersion?: string;
  /** `istio.io/rev` value canary namespaces get (the target, or the canary tag). */
  canaryLabel?: string;
  prechecks: PrecheckResult[];
  /** A precheck blocks: the plan can be shown but not started. */
  blocked: boolean;
  controlPlaneSteps: ControlPlaneStep[];
  batches: PlannedBatch[];
  namespaces: NamespacePlan[];
  tagMoves: PlannedTagMove[];
  staying: StayingOnOldRevision[];
}

// --------------------------------------------------------------- the state

export type UpgradePhase =
  | 'Planned'
  | 'Running'
  | 'WaitingForPromotion'
  | 'Paused'
  | 'Succeeded'
  | 'Aborted'
  | 'RollingBack'
  | 'RolledBack'
  | 'Failed';

/** Phases a pause returns to on resume. */
export type ResumablePhase = 'Running' | 'WaitingForPromotion' | 'RollingBack';

export type NamespaceStatus =
  | 'pending'
  | 'migrating'
  | 'waitingForGate'
  | 'done'
  | 'failed'
  | 'skipped';

export type BatchStatus = 'pending' | 'running' | 'passed' | 'failed';

export interface NamespaceState {
  namespace: string;
  batch: number;
  status: NamespaceStatus;
  /** Starts at 1; a retry adds one, and so gets new restart steps. */
  attempt: number;
  /**
   * The `kubectl.kubernetes.io/restartedAt` value of this attempt's
   * restarts, fixed when the namespace starts migrating, so a runner that
   * restarts after a crash recognises restarts it already made.
   */
  restartStamp?: string;
  /** The upgrade changed the namespace (or its pods); a rollback restores it. */
  touched: boolean;
  /** Why it failed or was skipped. */
  reason?: string;
  /** When it failed its gate: the pods that kept it from passing. */
  failedPods?: FailedPods;
}

/** Pods named in a failure: the first few names, and how many in all. */
export interface FailedPods {
  names: string[];
  total: number;
}

export interface BatchState {
  index: number;
  status: BatchStatus;
  attempt: number;
  /** When the current attempt started: the readiness deadline counts from here. */
  startedAt?: string;
  finishedAt?: string;
  /** The gate's reason, when it failed. */
  failure?: string;
}

/** Moving touched namespaces back to their previous labels and the old proxies. */
export interface RollbackState {
  startedAt: string;
  batches: BatchState[];
  namespaces: NamespaceState[];
}

export interface UpgradeState {
  id: string;
  request: UpgradeRequest;
  plan: UpgradePlan;
  phase: UpgradePhase;
  /** Why it is Paused, Aborted, Failed or RolledBack. */
  reason?: string;
  /** The phase `resume` returns to. */
  resumePhase?: ResumablePhase;
  /** The canary was promoted (or needed no promotion). */
  promoted: boolean;
  batches: BatchState[];
  namespaces: NamespaceState[];
  /** Keys of finished steps that leave nothing to see in the snapshot afterwards. */
  completedSteps: string[];
  rollback?: RollbackState;
  /** When the from-revision was first seen unused. */
  revisionUnusedAt?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export type UpgradeEventType =
  | 'Created'
  | 'Started'
  | 'Paused'
  | 'Resumed'
  | 'Promoted'
  | 'WaitingForPromotion'
  | 'Retried'
  | 'NamespaceSkipped'
  | 'Aborted'
  | 'RollbackStarted'
  | 'RolledBack'
  | 'Succeeded'
  | 'Failed'
  | 'ControlPlaneUpdated'
  | 'TagMoved'
  | 'BatchStarted'
  | 'BatchPassed'
  | 'BatchFailed'
  | 'NamespaceMigrating'
  | 'NamespaceDone'
  | 'NamespaceFailed'
  | 'StepFailed'
  | 'RevisionUnused';

export interface UpgradeEvent {
  at: string;
  type: UpgradeEventType;
  message: string;
  /** User entity ref of whoever asked, for operations. */
  actor?: string;
  batch?: number;
  namespace?: string;
  /** The step it concerns. */
  stepKey?: string;
}

// --------------------------------------------------------------- operations

export type UpgradeOperation =
  | { type: 'start' }
  | { type: 'pause'; reason?: string }
  | { type: 'resume' }
  | { type: 'promote' }
  | { type: 'retry' }
  | { type: 'skip'; namespace: string; reason: string }
  | { type: 'abort'; reason?: string }
  | { type: 'rollback'; reason?: string };

export type UpgradeOperationType = UpgradeOperation['type'];

export interface Refused {
  ok: false;
  /** Stable code, such as `SM-UPGRADE-NOT-RESUMABLE`; the service maps it to 409. */
  code: string;
  message: string;
}

/** The new state and what happened, or why not. */
export type Transition =
  | { ok: true; state: UpgradeState; events: UpgradeEvent[] }
  | Refused;

// -------------------------------------------------------------------- steps

/**
 * One idempotent thing a runner does next. `key` is stable across calls and
 * restarts: a runner records it before and after acting, and the snapshot
 * tells whether a step it crashed in the middle of already happened.
 */
export type UpgradeStep =
  | { key: string; type: 'setVersion'; operation: KubeOperation }
  | { key: string; type: 'waitForRevision'; revision: string; message: string }
  | {
      key: string;
      type: 'moveTag';
      tag: string;
      toRevision: string;
      /** Absent when the tag moves by itself (Sail tags on the Istio). */
      operation?: KubeOperation;
    }
  | {
      key: string;
      type: 'relabelNamespace';
      namespace: string;
      operation: KubeOperation;
    }
  | {
      key: string;
      type: 'restartWorkload';
      namespace: string;
      workload: WorkloadRef;
      stamp: string;
      operation: KubeOperation;
    }
  | {
      key: string;
      type: 'waitForGate';
      batch: number;
      /** ISO time after which the gate fails. */
      deadline: string;
      message: string;
    }
  | { key: string; type: 'waitUntilUnused'; revision: string; message: string }
  | { key: string; type: 'reportUnused'; revision: string; message: string };

export type UpgradeStepType = UpgradeStep['type'];
