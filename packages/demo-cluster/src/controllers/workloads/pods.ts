import { ClusterApi, KubeObject } from '../../apiserver/types';
import {
  CRASH_LOOP_ANNOTATION,
  Condition,
  EventRecorder,
  PODS,
  condition,
  deleteIfExists,
  isApiError,
  isPodReady,
  ownerReference,
  shortHash,
} from '../common';
import { SharedInformer } from '../informer';
import { WorkQueue } from '../workQueue';
import { WorkloadsSettings } from './context';
import { PodTemplate, WorkloadSpec } from './types';

/**
 * What the workload controllers do to pods, as Kubernetes' PodControl: make
 * them from a template, create them (a refusal is a FailedCreate event,
 * retried with exponential backoff), delete them, and find an owner's pods
 * through the informer's owner index.
 */
export class PodControl {
  readonly #createFailures = new Map<
    string,
    { failures: number; until: number; message: string }
  >();

  constructor(
    private readonly api: ClusterApi,
    private readonly informer: SharedInformer,
    private readonly queue: WorkQueue,
    private readonly settings: WorkloadsSettings,
  ) {}

  /** The owner's pods that are not being deleted. */
  ownedBy(owner: KubeObject): KubeObject[] {
    return this.informer
      .children(owner.metadata.uid!, PODS)
      .filter(pod => !pod.metadata.deletionTimestamp);
  }

  fromTemplate(
    owner: KubeObject,
    template: PodTemplate,
    name: string,
    extraLabels: Record<string, string>,
  ): KubeObject {
    const annotations = { ...template.metadata?.annotations };
    if (owner.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true') {
      annotations[CRASH_LOOP_ANNOTATION] = 'true';
    }
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...template.metadata?.labels, ...extraLabels },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ownerReferences: [ownerReference(owner)],
      },
      spec: {
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        ...structuredClone(template.spec ?? {}),
        nodeName: this.settings.nodeName,
      },
    };
  }

  /**
   * Creates the named pods until all are made or one is refused; a refusal
   * is recorded as a FailedCreate event and retried with exponential
   * backoff. Returns the standing failure message, if any.
   */
  create(
    owner: KubeObject,
    queueKey: string,
    names: string[],
    make: (name: string) => KubeObject,
    recorder: EventRecorder,
    describeFailure: (name: string, error: Error) => string,
  ): string | undefined {
    const { createRetryBaseMs, createRetryMaxMs, recordNormalEvents } =
      this.settings;
    const failure = this.#createFailures.get(queueKey);
    if (names.length === 0) {
      this.#createFailures.delete(queueKey);
      return undefined;
    }
    const now = Date.now();
    if (failure && failure.until > now) {
      this.queue.addAfter(queueKey, failure.until - now);
      return failure.message;
    }
    for (const name of names) {
      try {
        const pod = this.api.create(PODS, make(name));
        if (recordNormalEvents) {
          recorder.record(
            owner,
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${pod.metadata.name}`,
          );
        }
      } catch (error) {
        if (isApiError(error, 409)) continue; // name taken; next round picks another
        const failures = (failure?.failures ?? 0) + 1;
        const delay = Math.min(
          createRetryMaxMs,
          createRetryBaseMs * 2 ** (failures - 1),
        );
        const message = describeFailure(name, error as Error);
        this.#createFailures.set(queueKey, {
          failures,
          until: Date.now() + delay,
          message,
        });
        recorder.record(owner, 'Warning', 'FailedCreate', message);
        this.queue.addAfter(queueKey, delay);
        return message;
      }
    }
    this.#createFailures.delete(queueKey);
    return undefined;
  }

  /** Forgets an owner's creation failures (it is gone, or wants no pods). */
  forget(queueKey: string): void {
    this.#createFailures.delete(queueKey);
  }

  delete(pod: KubeObject): void {
    deleteIfExists(this.api, PODS, pod.metadata.namespace, pod.metadata.name!);
  }
}

/** Pods to remove first when scaling down: unready, then newest. */
export function byDeletionPreference(a: KubeObject, b: KubeObject): number {
  return (
    Number(isPodReady(a)) - Number(isPodReady(b)) ||
    (b.metadata.creationTimestamp ?? '').localeCompare(
      a.metadata.creationTimestamp ?? '',
    )
  );
}

/** The ReplicaFailure condition a standing FailedCreate sets, or none. */
export function replicaFailure(
  previous: Condition[] | undefined,
  message?: string,
): Condition[] {
  return message
    ? [
        condition(previous, {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message,
        }),
      ]
    : [];
}

/** Label of StatefulSet and DaemonSet pods naming their template's revision. */
export const REVISION_HASH = 'controller-revision-hash';

/** The revision of a StatefulSet's or DaemonSet's current pod template. */
export function controllerRevision(name: string, spec: WorkloadSpec): string {
  return `${name}-${shortHash(spec.template ?? {})}`;
}

/**
 * One step of a StatefulSet's or DaemonSet's rolling update: once every
 * other pod is ready, delete the outdated pod with the highest name (its
 * controller recreates it from the new template). Returns whether it did.
 */
export function deleteOneOutdated(
  pods: PodControl,
  owned: KubeObject[],
  revision: string,
): boolean {
  const outdated = owned.filter(
    p => p.metadata.labels?.[REVISION_HASH] !== revision,
  );
  if (
    !outdated.length ||
    !owned.every(p => isPodReady(p) || outdated.includes(p))
  ) {
    return false;
  }
  const victim = outdated.sort((a, b) =>
    b.metadata.name!.localeCompare(a.metadata.name!, undefined, {
      numeric: true,
    }),
  )[0];
  pods.delete(victim);
  return true;
}

/** How many pods run the current revision. */
export function countUpdated(owned: KubeObject[], revision: string): number {
  return owned.filter(p => p.metadata.labels?.[REVISION_HASH] === revision)
    .length;
}
