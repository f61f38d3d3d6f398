import type {
  KubeOperation,
  MeshActionResponse,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { MeshCluster } from '../kubernetes/ClusterRegistry';
import {
  StaleWriteError,
  UncertainWriteError,
} from '../kubernetes/KubernetesWriter';
import { budgetSpent } from '../kubernetes/retry';
import type { KeyedQueue } from './KeyedQueue';

export interface ApplyInTurnsOptions {
  cluster: MeshCluster;
  /** Turns per object written, shared by every action of the backend. */
  turns: KeyedQueue;
  /**
   * Plans from the cache, with the objects in `fresh` (read straight from
   * the cluster after a lost race or an unanswered write) in place of the
   * cache's copies. Throws when the plan is refused.
   */
  plan(fresh: Map<string, unknown>): MeshActionResponse;
  /** Objects already read from the cluster for this request (see unwatchedReads). */
  fresh?: Map<string, unknown>;
  /** Re-plans allowed after a lost race (409, failed `test`). */
  maxConflicts: number;
  /** How long a finished write waits for the cache to show it; default 1 s. */
  cacheCatchUpMs?: number;
}

/**
 * Applies a plan, taking turns per object written rather than per cluster:
 * writers of the same member roll, namespace or workload go one after
 * another, writers of other objects alongside. Under its turns the change is
 * planned again, as the writers ahead may have changed what it read.
 *
 * A write that loses a race is re-read and re-planned. A write that got no
 * answer (a timeout) is re-read and re-planned as well before any retry,
 * since it may have applied: planners change only what is not yet as asked,
 * so a write that did apply is not made again.
 */
export async function applyInTurns(
  options: ApplyInTurnsOptions,
): Promise<MeshActionResponse> {
  const fresh = new Map<string, unknown>(options.fresh);
  const state: AttemptState = {
    conflicts: 0,
    uncertain: 0,
    started: Date.now(),
  };
  for (;;) {
    const plan = options.plan(fresh);
    if (plan.change.operations.length === 0) return plan;
    const keys = turnKeys(options.cluster, plan.change.operations);
    const result = await options.turns.runAll(keys, () =>
      applyHoldingTurns(options, keys, fresh, state),
    );
    if (result) return result;
    // The plan changed to write objects whose turns we lack: take those.
  }
}

interface AttemptState {
  conflicts: number;
  uncertain: number;
  started: number;
  /** The last plan whose writes were sent, for the answer if a re-plan finds nothing left to do. */
  sent?: MeshActionResponse;
}

async function applyHoldingTurns(
  options: ApplyInTurnsOptions,
  keys: string[],
  fresh: Map<string, unknown>,
  state: AttemptState,
): Promise<MeshActionResponse | undefined> {
  const { cluster } = options;
  for (;;) {
    const plan = options.plan(fresh);
    const { operations } = plan.change;
    if (operations.length === 0) {
      // What an earlier try sent did apply after all.
      return state.sent ? { ...state.sent, applied: true } : plan;
    }
    if (!turnKeys(cluster, operations).every(key => keys.includes(key))) {
      return undefined;
    }
    state.sent = plan;
    try {
      const written: Array<{ operation: KubeOperation; rv?: string }> = [];
      for (const operation of operations) {
        written.push({ operation, rv: await cluster.writer.apply(operation) });
      }
      await waitForCache(cluster, written, options.cacheCatchUpMs ?? 1_000);
      return { ...plan, applied: true };
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
      checkBudget(options, error, state);
      fresh.set(
        freshKey(error.operation),
        error.current !== undefined
          ? error.current
          : (await cluster.writer.read(error.operation)) ?? null,
      );
      await jitter(state.conflicts + state.uncertain);
    }
  }
}

function checkBudget(
  options: ApplyInTurnsOptions,
  error: StaleWriteError,
  state: AttemptState,
) {
  if (error instanceof UncertainWriteError) {
    state.uncertain += 1;
    const policy = options.cluster.writer.retryPolicy;
    const elapsed = Date.now() - state.started;
    if (state.uncertain >= policy.maxAttempts || elapsed > policy.budgetMs) {
      throw budgetSpent(
        `cluster ${options.cluster.config.name}: ${error.operation.summary}`,
        state.uncertain,
        elapsed,
        { kind: 'uncertain', description: 'no answer in time' },
        policy,
      );
    }
    return;
  }
  state.conflicts += 1;
  if (state.conflicts >= options.maxConflicts) throw error;
}

/** The turn of one object on one cluster. */
function turnKeys(cluster: MeshCluster, operations: KubeOperation[]): string[] {
  return operations.map(o => `${cluster.config.name}/${freshKey(o)}`);
}

/**
 * Waits until the cache shows what was just written, so the next writer of
 * the object plans from it instead of losing a race against our own write.
 * Bounded: a lagging watch only costs the next writer a re-read.
 */
async function waitForCache(
  cluster: MeshCluster,
  written: Array<{ operation: KubeOperation; rv?: string }>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  const pending = written.filter(w => w.rv);
  while (
    pending.some(
      ({ operation, rv }) => !cluster.cache.hasSeen(operation, rv!),
    ) &&
    Date.now() < deadline
  ) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

export function freshKey(ref: {
  kind: string;
  namespace?: string;
  name: string;
}) {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function jitter(attempt: number) {
  const ms = Math.random() * Math.min(50, 5 * attempt);
  return new Promise(resolve => setTimeout(resolve, ms));
}
