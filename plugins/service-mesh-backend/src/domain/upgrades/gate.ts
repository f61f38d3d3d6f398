import {
  RESTARTED_AT_ANNOTATION,
  WorkloadRef,
} from '@mesh-backstage/plugin-service-mesh-common';
import { normalizeVersion } from '../controlPlane';
import { podInjectSetting } from '../injection';
import { annotationsOf, conditionIsTrue, Pod, Workload } from '../kube';
import { podProxy } from '../proxies';
import type { ClusterSnapshot } from '../snapshot';
import type { FailedPods } from './types';
import { podsByWorkload, workloadRef } from '../workloads';

/** The proxies a batch must end up on. */
export interface GateTarget {
  revision: string;
  /**
   * proxyv2 version, such as `1.24.3` or `2.6` (a prefix of the image tag).
   * OSSM 2 keeps the revision name across versions, so this is what tells
   * old proxies from new there.
   */
  version?: string;
}

/** A namespace of the batch, with the stamp of its restarts when they were made. */
export interface GateNamespace {
  namespace: string;
  /** Restarted workloads carry this `restartedAt`; until they do, the gate waits. */
  restartStamp?: string;
}

export interface GateBatch {
  namespaces: GateNamespace[];
  deadlineSeconds: number;
}

/** What keeps one workload from passing. */
export interface WorkloadProblem {
  namespace: string;
  workload: WorkloadRef;
  /**
   * Clauses, then the pods concerned, such as `2 of 3 pods not Ready after
   * 120 s (CrashLoopBackOff) - pods checkout-api-b, checkout-api-c`.
   */
  problem: string;
  /** The pods concerned (not Ready, crash-looping or off the target), sorted by name. */
  pods: string[];
}

/** A reason names at most this many pods of a workload, and counts the rest. */
export const MAX_NAMED_PODS = 10;

/** The first names (sorted) and the count, for storing and showing. */
export function failedPods(names: string[], max = MAX_NAMED_PODS): FailedPods {
  return { names: [...names].sort().slice(0, max), total: names.length };
}

/** `a, b, c`, or past the bound `a, …, j and 5 more`. */
export function namedPods(names: string[], max = MAX_NAMED_PODS): string {
  const named = names.slice(0, max).join(', ');
  return names.length > max ? `${named} and ${names.length - max} more` : named;
}

export type GateDecision =
  | { result: 'pass'; message: string; optedOut: WorkloadProblem[] }
  | {
      result: 'wait';
      message: string;
      problems: WorkloadProblem[];
      optedOut: WorkloadProblem[];
    }
  | {
      result: 'fail';
      /** For people: `checkout/checkout-api: 2 of 3 pods not Ready after 120 s (CrashLoopBackOff)`. */
      reason: string;
      problems: WorkloadProblem[];
      optedOut: WorkloadProblem[];
    };

export const CRASH_LOOP_REASON = 'CrashLoopBackOff';

function containerStatuses(pod: Pod) {
  return [
    ...(pod.status?.containerStatuses ?? []),
    // Native sidecars (and other restartable init containers) keep running.
    ...(pod.status?.initContainerStatuses ?? []).filter(status =>
      pod.spec.initContainers?.some(
        c => c.name === status.name && c.restartPolicy === 'Always',
      ),
    ),
  ];
}

export function isCrashLooping(pod: Pod): boolean {
  return [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ].some(s => s.state?.waiting?.reason === CRASH_LOOP_REASON);
}

/** The pod's Ready condition, else all its running containers ready. */
export function isPodReady(pod: Pod): boolean {
  const ready = conditionIsTrue(pod.status?.conditions, 'Ready');
  if (ready !== undefined) {
    return ready;
  }
  const statuses = containerStatuses(pod);
  return (
    pod.status?.phase === 'Running' &&
    statuses.length > 0 &&
    statuses.every(s => s.ready === true)
  );
}

/** `1.24.3` matches `1.24.3`, `1.24` and `v1.24`; a missing version matches any. */
export function versionMatches(
  actual: string | undefined,
  wanted: string | undefined,
): boolean {
  const want = normalizeVersion(wanted);
  if (!want || !actual) {
    return true;
  }
  const have = normalizeVersion(actual)!;
  return have === want || have.startsWith(`${want}.`);
}

/** Whether the pod's running proxy is on the target, from its status annotation and image. */
export function proxyOnTarget(pod: Pod, target: GateTarget): boolean {
  const proxy = podProxy(pod);
  return (
    proxy !== undefined &&
    proxy.revision === target.revision &&
    versionMatches(proxy.version, target.version)
  );
}

/** Workloads whose pod template opts out of injection, or that run on the host network. */
export function isOptedOut(workload: Workload): boolean {
  const template = workload.spec.template;
  return (
    template.spec.hostNetwork === true ||
    podInjectSetting({
      labels: template.metadata?.labels,
      annotations: template.metadata?.annotations,
    }) === 'out'
  );
}

function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function proxyDescription(pod: Pod): string {
  const proxy = podProxy(pod);
  if (!proxy) {
    return 'no sidecar';
  }
  return proxy.version
    ? `${proxy.revision} (${proxy.version})`
    : proxy.revision;
}

/** The problems of one workload, as clauses, and its pods concerned; no clause means it passes. */
function workloadProblems(
  workload: Workload,
  pods: Pod[],
  target: GateTarget,
  restartStamp: string | undefined,
  elapsedSeconds: number,
): { clauses: string[]; concerned: Pod[] } {
  const problems: string[] = [];
  const failure = workload.status?.conditions?.find(
    c => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  if (failure) {
    problems.push(
      `cannot create pods (${failure.reason ?? 'FailedCreate'}${
        failure.message ? `: ${failure.message}` : ''
      })`,
    );
  }
  const notReady = pods.filter(p => !isPodReady(p));
  const crashing = pods.filter(isCrashLooping);
  if (notReady.length > 0) {
    problems.push(
      `${notReady.length} of ${plural(
        pods.length,
        'pod',
      )} not Ready after ${elapsedSeconds} s${
        crashing.length > 0 ? ` (${CRASH_LOOP_REASON})` : ''
      }`,
    );
  } else if (crashing.length > 0) {
    problems.push(`${plural(crashing.length, 'pod')} in ${CRASH_LOOP_REASON}`);
  }
  const offTarget = pods.filter(p => !proxyOnTarget(p, target));
  if (offTarget.length > 0) {
    const seen = [...new Set(offTarget.map(proxyDescription))].join(', ');
    problems.push(
      `${offTarget.length} of ${plural(
        pods.length,
        'pod',
      )} still on ${seen}, not ${target.revision}${
        target.version ? ` (${target.version})` : ''
      }`,
    );
  }
  const replicas =
    workload.kind === 'DaemonSet' ? undefined : workload.spec.replicas ?? 1;
  if (replicas !== undefined && pods.length < replicas) {
    problems.push(`${pods.length} of ${replicas} replicas running`);
  }
  // A workload already Ready on the target needed no restart.
  const stamp = annotationsOf(workload.spec.template)[RESTARTED_AT_ANNOTATION];
  if (
    problems.length > 0 &&
    restartStamp !== undefined &&
    stamp !== restartStamp
  ) {
    problems.unshift('restart not applied yet');
  }
  const concerned = pods.filter(
    p => !isPodReady(p) || isCrashLooping(p) || !proxyOnTarget(p, target),
  );
  return { clauses: problems, concerned };
}

function problemText(clauses: string[], concerned: string[]): string {
  const text = clauses.join(', ');
  if (concerned.length === 0) return text;
  return `${text} - ${concerned.length === 1 ? 'pod' : 'pods'} ${namedPods(
    concerned,
  )}`;
}

/**
 * Whether a batch passes its gate: within the deadline, every running pod
 * of its workloads is Ready, runs its proxy on the target (from the pod's
 * `sidecar.istio.io/status` and image, not from labels), no workload
 * reports FailedCreate and no pod crash-loops.
 *
 * Completed and Failed pods (Jobs) never block, since they are not running;
 * workloads that opt out of injection are reported, not waited for. Until
 * the deadline the answer is `wait`; after it, `fail` with the reasons.
 */
export function evaluateGate(
  snapshot: ClusterSnapshot,
  batch: GateBatch,
  target: GateTarget,
  startedAt: string | Date,
  now: Date,
): GateDecision {
  const elapsedSeconds = Math.max(
    0,
    Math.round((now.getTime() - new Date(startedAt).getTime()) / 1000),
  );
  const problems: WorkloadProblem[] = [];
  const optedOut: WorkloadProblem[] = [];
  for (const { namespace, restartStamp } of batch.namespaces) {
    for (const [workload, pods] of podsByWorkload(snapshot, namespace)) {
      const ref = workloadRef(workload);
      if (isOptedOut(workload)) {
        optedOut.push({
          namespace,
          workload: ref,
          problem: 'opts out of injection: not waited for',
          pods: [],
        });
        continue;
      }
      const { clauses, concerned } = workloadProblems(
        workload,
        pods,
        target,
        restartStamp,
        elapsedSeconds,
      );
      if (clauses.length > 0) {
        const names = concerned.map(p => p.metadata.name!).sort();
        problems.push({
          namespace,
          workload: ref,
          problem: problemText(clauses, names),
          pods: names,
        });
      }
    }
  }
  if (problems.length === 0) {
    return {
      result: 'pass',
      message: `Every running pod of ${plural(
        batch.namespaces.length,
        'namespace',
      )} is Ready on ${target.revision}`,
      optedOut,
    };
  }
  const summary = problems
    .map(p => `${p.namespace}/${p.workload.name}: ${p.problem}`)
    .join('; ');
  if (elapsedSeconds < batch.deadlineSeconds) {
    return { result: 'wait', message: summary, problems, optedOut };
  }
  return { result: 'fail', reason: summary, problems, optedOut };
}
