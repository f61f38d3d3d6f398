import { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi } from '../../apiserver/types';
import { Condition, DEPLOYMENTS, condition } from '../common';
import { istiodName } from '../istiod';
import { WorkQueue } from '../workQueue';
import { RevisionUsage } from './usage';

export const OPERATOR = 'sail-operator';
export const DEFAULT_VERSION = 'v1.24.3';

export interface IstioValues {
  global?: { hub?: string; istioNamespace?: string; [key: string]: unknown };
  pilot?: {
    env?: Record<string, string>;
    cni?: { enabled?: boolean };
    [key: string]: unknown;
  };
  meshConfig?: { discoverySelectors?: LabelSelector[]; [key: string]: unknown };
  revision?: string;
  [key: string]: unknown;
}

export interface IstioSpec {
  version?: string;
  namespace?: string;
  profile?: string;
  updateStrategy?: {
    type?: 'InPlace' | 'RevisionBased';
    inactiveRevisionDeletionGracePeriodSeconds?: number;
  };
  values?: IstioValues;
}

export interface RevisionSpec {
  version?: string;
  namespace?: string;
  values?: IstioValues;
}

export interface TagSpec {
  targetRef?: { kind?: 'Istio' | 'IstioRevision'; name?: string };
}

export interface SailControllerOptions {
  /** Image hub when `spec.values.global.hub` is unset. Default `docker.io/istio`. */
  hub?: string;
}

/** What the operator's reconcilers share. */
export interface SailContext {
  api: ClusterApi;
  /** Keys `Istio/<name>`, `IstioRevision/<name>`, `IstioRevisionTag/<name>`, `IstioCNI/<name>`. */
  queue: WorkQueue;
  options: SailControllerOptions;
  usage: RevisionUsage;
  /** Tag name → the revision it points at, as last reconciled. */
  tagTargets: Map<string, string>;
  /** Revision name → the Istio that owns it. */
  revisionOwner: Map<string, string>;
  /** Queues a revision and the Istio that owns it. */
  wakeRevision(revision: string): void;
}

/** `default` + `v1.24.3` → `default-v1-24-3`, as the Sail operator names revisions. */
export function revisionNameFor(
  istioName: string,
  version: string,
  strategy: 'InPlace' | 'RevisionBased' = 'InPlace',
): string {
  return strategy === 'RevisionBased'
    ? `${istioName}-${version.replace(/\./g, '-')}`
    : istioName;
}

export function istiodReady(
  api: ClusterApi,
  namespace: string,
  revision: string,
): boolean {
  const deployment = api.get(DEPLOYMENTS, namespace, istiodName(revision));
  return (
    (((deployment?.status ?? {}) as { readyReplicas?: number }).readyReplicas ??
      0) > 0
  );
}

/**
 * The Reconciled and Ready conditions every Sail resource reports; without
 * `notReady` it is Healthy.
 */
export function sailConditions(
  previous: Condition[] | undefined,
  notReady?: { reason: string; message: string },
): Condition[] {
  return [
    condition(previous, {
      type: 'Reconciled',
      status: 'True',
      reason: 'Reconciled',
    }),
    condition(
      previous,
      notReady
        ? { type: 'Ready', status: 'False', ...notReady }
        : { type: 'Ready', status: 'True', reason: 'Healthy' },
    ),
  ];
}

/** The InUse condition of IstioRevision and IstioRevisionTag status. */
export function inUseCondition(
  used: boolean,
): Omit<Condition, 'lastTransitionTime'> {
  return used
    ? {
        type: 'InUse',
        status: 'True',
        reason: 'ReferencedByWorkloads',
        message: 'Referenced by at least one pod or namespace',
      }
    : {
        type: 'InUse',
        status: 'False',
        reason: 'NotReferencedByAnything',
        message: 'Not referenced by any pod or namespace',
      };
}
