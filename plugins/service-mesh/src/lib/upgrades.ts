import type {
  UpgradeBatch,
  UpgradeDetails,
  UpgradeOperationName,
  UpgradeSummary,
} from '@mesh-backstage/plugin-service-mesh-common';

export type UpgradePhase = UpgradeSummary['phase'];
export type NamespaceUpgradeStatus =
  UpgradeBatch['namespaces'][number]['status'];

/** The StatusText kinds, so state always shows as words beside the icon. */
export type StatusKind = 'ok' | 'warning' | 'error' | 'aborted' | 'pending';

const PHASE_TEXT: Record<UpgradePhase, { text: string; status: StatusKind }> = {
  Planned: { text: 'Planned', status: 'pending' },
  Running: { text: 'Running', status: 'pending' },
  WaitingForPromotion: {
    text: 'Waiting for promotion',
    status: 'warning',
  },
  Paused: { text: 'Paused', status: 'warning' },
  Succeeded: { text: 'Succeeded', status: 'ok' },
  Aborted: { text: 'Aborted', status: 'aborted' },
  RollingBack: { text: 'Rolling back', status: 'pending' },
  RolledBack: { text: 'Rolled back', status: 'aborted' },
  Failed: { text: 'Failed', status: 'error' },
};

export function phaseText(phase: UpgradePhase) {
  return PHASE_TEXT[phase];
}

const NAMESPACE_TEXT: Record<
  NamespaceUpgradeStatus,
  { text: string; status: StatusKind }
> = {
  pending: { text: 'waiting', status: 'pending' },
  migrating: { text: 'migrating', status: 'pending' },
  waitingForGate: { text: 'checking pods', status: 'pending' },
  done: { text: 'migrated', status: 'ok' },
  failed: { text: 'failed', status: 'error' },
  skipped: { text: 'skipped', status: 'aborted' },
};

export function namespaceStatusText(status: NamespaceUpgradeStatus) {
  return NAMESPACE_TEXT[status];
}

/** What an upgrade shows: the rollback's batches once it is rolling back. */
export function currentBatches(upgrade: UpgradeDetails): UpgradeBatch[] {
  return upgrade.rollback?.batches ?? upgrade.batches;
}

/** The batch whose gate failed, if any. */
export function failedBatch(upgrade: UpgradeDetails): UpgradeBatch | undefined {
  return currentBatches(upgrade).find(b => b.status === 'failed');
}

export interface UpgradeProgress {
  namespaces: number;
  namespacesDone: number;
  /** Running pods of the upgrade's namespaces, when the cluster could be read. */
  pods?: number;
  podsOnTarget?: number;
  /** The revision the namespaces are moving to (the old one when rolling back). */
  towards: string;
}

export function upgradeProgress(upgrade: UpgradeDetails): UpgradeProgress {
  const namespaces = currentBatches(upgrade).flatMap(b => b.namespaces);
  const towards = upgrade.rollback
    ? upgrade.fromRevision
    : upgrade.targetRevision;
  return {
    namespaces: namespaces.length,
    namespacesDone: namespaces.filter(
      n => n.status === 'done' || n.status === 'skipped',
    ).length,
    pods: upgrade.pods?.reduce((sum, p) => sum + p.pods, 0),
    podsOnTarget: upgrade.pods
      ?.filter(p => p.revision === towards)
      .reduce((sum, p) => sum + p.pods, 0),
    towards,
  };
}

export interface OperationAvailability {
  enabled: boolean;
  /** Why not, for people; set when disabled. */
  reason?: string;
}

export const UPGRADE_OPERATIONS: readonly UpgradeOperationName[] = [
  'pause',
  'resume',
  'promote',
  'retry',
  'skip',
  'abort',
  'rollback',
];

/**
 * Which operations mean something in the upgrade's phase: the same rules as
 * the backend's state machine, so a button is enabled exactly when the
 * backend would act (it answers 409 otherwise).
 */
export function operationAvailability(
  upgrade: UpgradeDetails,
): Record<UpgradeOperationName, OperationAvailability> {
  const { phase } = upgrade;
  const failed = failedBatch(upgrade);
  const ended = ['Succeeded', 'RolledBack', 'Aborted', 'Failed'].includes(
    phase,
  );
  const endedReason = `The upgrade is ${phaseText(phase).text.toLowerCase()}`;
  const yes: OperationAvailability = { enabled: true };
  const no = (reason: string): OperationAvailability => ({
    enabled: false,
    reason,
  });
  const rollingBack =
    phase === 'RollingBack' || (phase === 'Paused' && !!upgrade.rollback);
  const pausable = ['Running', 'WaitingForPromotion', 'RollingBack'];
  let resume: OperationAvailability;
  if (phase !== 'Paused') {
    resume =
      phase === 'WaitingForPromotion'
        ? no('It waits for promotion: promote it to continue')
        : no(ended ? endedReason : 'It is not paused');
  } else if (failed) {
    resume = no(
      `Batch ${
        failed.index + 1
      } failed its gate: retry it or skip its failed namespaces first`,
    );
  } else {
    resume = yes;
  }
  const rollbackAvailability = () => {
    if (rollingBack) return no('It is already rolling back');
    if (phase === 'Planned') {
      return no('It has not started: nothing to roll back');
    }
    if (phase === 'Succeeded' || phase === 'RolledBack') {
      return no(endedReason);
    }
    return yes;
  };
  return {
    pause: pausable.includes(phase)
      ? yes
      : no(ended ? endedReason : 'It is already paused'),
    resume,
    promote:
      phase === 'WaitingForPromotion'
        ? yes
        : no('Only an upgrade waiting for promotion after its canary batch'),
    retry:
      failed && !['Succeeded', 'RolledBack', 'Aborted'].includes(phase)
        ? yes
        : no(
            phase === 'Failed' ? 'Nothing failed to retry' : 'No batch failed',
          ),
    skip:
      !ended && namespacesToSkip(upgrade).length > 0
        ? yes
        : no(ended ? endedReason : 'No namespace is left to skip'),
    abort: ended ? no(endedReason) : yes,
    rollback: rollbackAvailability(),
  };
}

/** Namespaces not yet migrated, that a person may skip. */
export function namespacesToSkip(upgrade: UpgradeDetails): string[] {
  return currentBatches(upgrade)
    .flatMap(b => b.namespaces)
    .filter(n => n.status !== 'done' && n.status !== 'skipped')
    .map(n => n.namespace);
}

/** What each operation will do, for its confirmation. */
export function operationEffect(
  operation: UpgradeOperationName,
  upgrade: UpgradeDetails,
): { title: string; effect: string } {
  const failed = failedBatch(upgrade);
  const touched = upgrade.batches
    .flatMap(b => b.namespaces)
    .filter(n => n.touched).length;
  switch (operation) {
    case 'pause':
      return {
        title: 'Pause',
        effect:
          'No further namespace is relabelled or restarted until someone resumes. Namespaces already moved stay moved.',
      };
    case 'resume':
      return {
        title: 'Resume',
        effect:
          'The upgrade continues with its next batches; the readiness deadline of running batches starts again.',
      };
    case 'promote':
      return {
        title: 'Promote',
        effect: `The canary passed: the remaining ${
          upgrade.progress.batches - upgrade.progress.batchesPassed
        } batches move to ${upgrade.targetRevision}.`,
      };
    case 'retry':
      return {
        title: 'Retry',
        effect: failed
          ? `Batch ${
              failed.index + 1
            } runs its gate again, restarting its failed namespaces' workloads.`
          : 'The failed step runs again.',
      };
    case 'skip':
      return {
        title: 'Skip a namespace',
        effect:
          'The namespace is left out of the upgrade and stays on its current revision; the reason is recorded.',
      };
    case 'abort':
      return {
        title: 'Abort',
        effect:
          'The upgrade stops where it is. Every namespace stays as it stands, some on the old revision and some on the new; nothing is rolled back.',
      };
    case 'rollback':
      return {
        title: 'Roll back',
        effect: `The ${touched} namespaces the upgrade touched get their previous labels back and their workloads are restarted onto ${upgrade.fromRevision}; moved tags point back at ${upgrade.fromRevision}.`,
      };
    default:
      return { title: operation, effect: '' };
  }
}

/** Where one namespace stands in an upgrade, for the entity banner. */
export interface NamespaceInUpgrade {
  namespace: string;
  /** 1-based. */
  batch: number;
  batches: number;
  status: NamespaceUpgradeStatus;
  /** When its batch passed, for "migrated 10 min ago". */
  finishedAt?: string;
}

export function namespaceInUpgrade(
  upgrade: UpgradeDetails,
  namespace: string,
): NamespaceInUpgrade | undefined {
  const batches = currentBatches(upgrade);
  for (const batch of batches) {
    const found = batch.namespaces.find(n => n.namespace === namespace);
    if (found) {
      return {
        namespace,
        batch: batch.index + 1,
        batches: batches.length,
        status: found.status,
        finishedAt: found.status === 'done' ? batch.finishedAt : undefined,
      };
    }
  }
  return undefined;
}
