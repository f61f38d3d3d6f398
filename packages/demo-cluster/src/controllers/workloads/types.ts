import { KubeObject } from '../../apiserver/types';
import { Condition } from '../common';

/** The parts of a workload's spec the simulated controllers read. */
export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

export interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: PodTemplate;
  revisionHistoryLimit?: number;
  strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
}

export interface ContainerSpec {
  name: string;
  image?: string;
  restartPolicy?: string;
}

export interface PodStatus {
  phase?: string;
  podIP?: string;
  startTime?: string;
  conditions?: Condition[];
  containerStatuses?: Array<{ name: string; restartCount?: number }>;
}

export const specOf = (object: KubeObject) =>
  (object.spec ?? {}) as WorkloadSpec;
export const podStatusOf = (pod: KubeObject) => (pod.status ?? {}) as PodStatus;
export const conditionsOf = (object: KubeObject) =>
  ((object.status ?? {}) as { conditions?: Condition[] }).conditions;
