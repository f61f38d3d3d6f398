import { ClusterApi } from '../../apiserver/types';
import { PodFailureMode, WorkloadRef } from '../../apiserver/workloadFaults';
import { SharedInformer } from '../informer';
import { WorkQueue } from '../workQueue';
import type { PodControl } from './pods';

/** The fault hook of the demo cluster: workloads whose new pods fail. */
export interface WorkloadFaults {
  /** How the pods of a workload fail when they start now, if they do. */
  podFailureOf(workload: Required<WorkloadRef>): PodFailureMode | undefined;
  /** Tells of every change, so that failing pods of a healed workload recover. */
  onWorkloadFaultsChange(listener: () => void): () => void;
}

export interface WorkloadsControllerOptions {
  /** How long a new pod stays Pending before it is Running and Ready. Default 1500 ms. */
  readyDelayMs?: number;
  /** How often a crash-looping container restarts. Default 10 s. */
  crashLoopIntervalMs?: number;
  /** First retry after a refused pod creation; doubles up to createRetryMaxMs. Default 1 s. */
  createRetryBaseMs?: number;
  createRetryMaxMs?: number;
  /** Record SuccessfulCreate/ScalingReplicaSet events. Default true. */
  recordNormalEvents?: boolean;
  /** The one simulated node. Default `demo-node-1`. */
  nodeName?: string;
  faults?: WorkloadFaults;
}

export type WorkloadsSettings = Required<
  Omit<WorkloadsControllerOptions, 'faults'>
> &
  Pick<WorkloadsControllerOptions, 'faults'>;

export function workloadsSettings(
  options: WorkloadsControllerOptions,
): WorkloadsSettings {
  return {
    readyDelayMs: options.readyDelayMs ?? 1500,
    crashLoopIntervalMs: options.crashLoopIntervalMs ?? 10_000,
    createRetryBaseMs: options.createRetryBaseMs ?? 1000,
    createRetryMaxMs: options.createRetryMaxMs ?? 30_000,
    recordNormalEvents: options.recordNormalEvents ?? true,
    nodeName: options.nodeName ?? 'demo-node-1',
    faults: options.faults,
  };
}

/** What the kubelet and the workload controllers share. */
export interface WorkloadsContext {
  api: ClusterApi;
  /** Pods, ReplicaSets and the workloads, with the one owner index. */
  informer: SharedInformer;
  /** One queue for all of them; keys are `<Kind>/<namespace>/<name>`. */
  queue: WorkQueue;
  settings: WorkloadsSettings;
  pods: PodControl;
}
