import { ClusterApi } from '../../apiserver/types';
import { SharedInformer } from '../informer';
import { WorkQueue } from '../workQueue';
import type { PodControl } from './pods';

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
}

export type WorkloadsSettings = Required<WorkloadsControllerOptions>;

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
