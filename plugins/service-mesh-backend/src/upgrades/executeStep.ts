import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { nextSteps, type UpgradeStep } from '../domain/upgrades';
import { StaleWriteError } from '../kubernetes/KubernetesWriter';
import type { MeshUpgradeStore, StoredMeshUpgrade } from './UpgradeRecorder';
import type { StepPlanner, UpgradeClusters } from './UpgradeClusters';

/** A step that writes to the cluster (the others wait for something). */
export type WriteStep = UpgradeStep & { operation: KubeOperation };

export function isWriteStep(step: UpgradeStep): step is WriteStep {
  return 'operation' in step && step.operation !== undefined;
}

export type StepOutcome =
  | { result: 'done'; wrote: boolean }
  /** Not now (the cluster is unavailable, or the cache still lags): the next pass tries again. */
  | { result: 'later'; message: string }
  /** The step cannot be made: the upgrade pauses with the reason. */
  | { result: 'failed'; message: string };

/** Attempts at one step before its failure pauses the upgrade. */
export const MAX_STEP_ATTEMPTS = 5;

/**
 * How long a step recorded done may still look undone in the cache before
 * it counts as undone by someone else.
 */
export const CACHE_LAG_MS = 10_000;

export interface ExecuteStepOptions {
  store: MeshUpgradeStore;
  clusters: UpgradeClusters;
  upgrade: StoredMeshUpgrade;
  step: WriteStep;
  instanceId: string;
  logger: LoggerService;
  now?: () => Date;
}

/**
 * Executes one step: recorded started, written, recorded done. The write is
 * planned again under its turn from the same state, so it is made only if
 * the cluster still needs it. A step whose earlier attempt was interrupted
 * (a crash between the write and its record) re-reads the object from the
 * cluster first, so a relabel or restart that did happen is not made again.
 */
export async function executeStep(
  options: ExecuteStepOptions,
): Promise<StepOutcome> {
  const { store, clusters, upgrade, step } = options;
  const now = options.now ?? (() => new Date());
  const ref = {
    upgradeId: upgrade.id,
    stepKey: step.key,
    instanceId: options.instanceId,
  };
  const planner: StepPlanner = snapshot => {
    const again = nextSteps(upgrade.state, snapshot).find(
      s => s.key === step.key,
    );
    return again && isWriteStep(again) ? again.operation : undefined;
  };
  const record = await store.recordStepStarted(ref);
  if (record.status === 'done') {
    const finished = Date.parse(record.finishedAt ?? record.startedAt);
    const lagging = now().getTime() - finished < CACHE_LAG_MS;
    if (
      lagging ||
      !(await clusters.stillNeeded(upgrade.cluster, planner, step.operation))
    ) {
      return {
        result: 'later',
        message: `${step.key} is done; the cache lags`,
      };
    }
    return {
      result: 'failed',
      message: `${step.operation.summary}: made earlier by this upgrade, then changed back by someone else`,
    };
  }
  try {
    const wrote = await clusters.write(upgrade.cluster, planner, {
      reread: record.attempts > 1 ? step.operation : undefined,
    });
    await store.recordStepDone({
      ...ref,
      result: { wrote, attempts: record.attempts },
    });
    return { result: 'done', wrote };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const transient =
      error instanceof ServiceUnavailableError ||
      error instanceof StaleWriteError;
    if (transient && record.attempts < MAX_STEP_ATTEMPTS) {
      // Left recorded as started: the next attempt re-reads before writing.
      options.logger.warn(
        `service-mesh: upgrade ${upgrade.id}: ${step.key} (attempt ${record.attempts}): ${message}; trying again`,
      );
      return { result: 'later', message };
    }
    await store.recordStepFailed({ ...ref, result: { error: message } });
    return { result: 'failed', message };
  }
}
