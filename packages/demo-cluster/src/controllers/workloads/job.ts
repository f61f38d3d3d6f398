import { KubeObject } from '../../apiserver/types';
import {
  Condition,
  EventRecorder,
  JOBS,
  PODS,
  condition,
  isApiError,
  randomSuffix,
  rfc3339,
  writeStatus,
} from '../common';
import { queueKey } from '../workQueue';
import { WorkloadsContext } from './context';
import { conditionsOf, specOf, ContainerSpec, podStatusOf } from './types';

interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  conditions?: Condition[];
}

const statusOf = (job: KubeObject) => (job.status ?? {}) as JobStatus;

/** The pod's containers exit 0: the kubelet reports it Succeeded. */
function succeededStatus(pod: KubeObject) {
  const previous = podStatusOf(pod);
  const finishedAt = rfc3339();
  const containers = (pod.spec as { containers?: ContainerSpec[] }).containers;
  return {
    ...previous,
    phase: 'Succeeded',
    conditions: (previous.conditions ?? []).map(c =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? { ...c, status: 'False', reason: 'PodCompleted' }
        : c,
    ),
    containerStatuses: (containers ?? []).map(c => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      started: false,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: previous.startTime ?? finishedAt,
          finishedAt,
        },
      },
    })),
  };
}

/**
 * The Job controller, for Jobs of one completion: one pod from the template
 * (a refusal by admission is a FailedCreate event, retried with backoff);
 * once the kubelet runs it, its containers complete and the Job is
 * Complete. Parallelism, several completions and retries of failed pods
 * (`backoffLimit`) are not simulated.
 */
export function jobController(ctx: WorkloadsContext) {
  const { api, informer, pods } = ctx;
  const events = new EventRecorder(api, 'job-controller');

  return function reconcileJob(ns: string | undefined, name: string) {
    const key = queueKey('Job', ns, name);
    const job = informer.get(JOBS, ns, name);
    if (!job) {
      pods.forget(key);
      return;
    }
    const status = statusOf(job);
    if (
      conditionsOf(job)?.some(c => c.type === 'Complete' && c.status === 'True')
    ) {
      pods.forget(key);
      return;
    }
    const startTime = status.startTime ?? rfc3339();
    const owned = informer.children(job.metadata.uid!, PODS);
    const succeeded = owned.filter(p => podStatusOf(p).phase === 'Succeeded');
    if (owned.length === 0) {
      const template = specOf(job).template ?? {};
      pods.create(
        job,
        key,
        [`${name}-${randomSuffix()}`],
        podName =>
          pods.fromTemplate(job, template, podName, {
            'controller-uid': job.metadata.uid!,
            'job-name': name,
            'batch.kubernetes.io/job-name': name,
          }),
        events,
        (_, error) => `Error creating: ${error.message}`,
      );
    }
    for (const pod of owned) {
      if (podStatusOf(pod).phase !== 'Running') continue;
      try {
        api.updateStatus(PODS, { ...pod, status: succeededStatus(pod) });
        succeeded.push(pod);
      } catch (error) {
        if (!isApiError(error, 404) && !isApiError(error, 409)) throw error;
      }
    }
    const complete = succeeded.length > 0;
    if (complete) {
      events.record(job, 'Normal', 'Completed', 'Job completed');
    }
    writeStatus(api, JOBS, job, {
      startTime,
      ...(complete
        ? {
            completionTime: rfc3339(),
            succeeded: 1,
            conditions: [
              condition(status.conditions, {
                type: 'Complete',
                status: 'True',
              }),
            ].map(c => ({ lastProbeTime: c.lastTransitionTime, ...c })),
          }
        : {
            active: owned.filter(
              p =>
                !['Succeeded', 'Failed'].includes(podStatusOf(p).phase ?? ''),
            ).length,
          }),
    });
  };
}
