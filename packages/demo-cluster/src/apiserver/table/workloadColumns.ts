import { KubeObject } from '../types';
import {
  age,
  ageColumn,
  Column,
  column,
  evaluateJsonPath,
  field,
  humanDuration,
  nameColumn,
} from './cells';

/*
 * The columns of pods and workloads, as the apiserver's printers make them;
 * priority-1 columns are the ones `kubectl get -o wide` adds.
 */

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

interface PodStatus {
  phase?: string;
  reason?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

interface ContainerSpec {
  name?: string;
  image?: string;
  restartPolicy?: string;
}

const statusOf = (pod: KubeObject) => (pod.status ?? {}) as PodStatus;
const specOf = (pod: KubeObject) =>
  (pod.spec ?? {}) as {
    containers?: ContainerSpec[];
    initContainers?: ContainerSpec[];
  };

/** Native sidecars: init containers that keep running (restartPolicy Always). */
function sidecarNames(pod: KubeObject): Set<string> {
  return new Set(
    (specOf(pod).initContainers ?? [])
      .filter(c => c.restartPolicy === 'Always')
      .map(c => c.name ?? ''),
  );
}

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) {
    return 'Terminating';
  }
  const status = statusOf(pod);
  const sidecars = sidecarNames(pod);
  for (const container of status.initContainerStatuses ?? []) {
    if (sidecars.has(container.name ?? '')) continue;
    const reason =
      container.state?.waiting?.reason ?? container.state?.terminated?.reason;
    if (reason && reason !== 'Completed') return `Init:${reason}`;
  }
  for (const container of status.containerStatuses ?? []) {
    const reason =
      container.state?.waiting?.reason ?? container.state?.terminated?.reason;
    if (reason) return reason;
  }
  return status.reason ?? status.phase ?? 'Pending';
}

/** READY counts app containers and native sidecars, as kubectl 1.28 on does. */
function podReady(pod: KubeObject): string {
  const status = statusOf(pod);
  const sidecars = sidecarNames(pod);
  const running = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []).filter(s =>
      sidecars.has(s.name ?? ''),
    ),
  ];
  const total = (specOf(pod).containers?.length ?? 0) + sidecars.size;
  return `${running.filter(s => s.ready).length}/${total}`;
}

function restarts(pod: KubeObject): number {
  const status = statusOf(pod);
  return [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []),
  ].reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
}

function numberAt(object: KubeObject, path: string): number {
  return Number(field(object, path) ?? 0);
}

/** An integer column read from a field path, as `kubectl get` counts replicas. */
function countColumn(name: string, path: string): Column {
  return column(name, o => numberAt(o, path), { type: 'integer' });
}

function ready(object: KubeObject): string {
  return `${numberAt(object, '.status.readyReplicas')}/${numberAt(
    object,
    '.spec.replicas',
  )}`;
}

/** `app=web,version=v1`, as label selectors print; `<none>` when empty. */
export function selectorString(selector: unknown): string {
  const { matchLabels, matchExpressions } = (selector ?? {}) as {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{
      key: string;
      operator: string;
      values?: string[];
    }>;
  };
  const parts = [
    ...Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(matchExpressions ?? []).map(({ key, operator, values = [] }) => {
      if (operator === 'Exists') return key;
      if (operator === 'DoesNotExist') return `!${key}`;
      return `${key} ${operator.toLowerCase()} (${values.join(',')})`;
    }),
  ];
  return parts.join(',') || '<none>';
}

/** CONTAINERS, IMAGES (and SELECTOR) of a workload, read from its pod template. */
function templateColumns(
  templatePath: string,
  { selector = true }: { selector?: boolean } = {},
): Column[] {
  const containers = (o: KubeObject) =>
    evaluateJsonPath(
      o,
      `${templatePath}.spec.containers[*]`,
    ) as ContainerSpec[];
  return [
    column(
      'Containers',
      o =>
        containers(o)
          .map(c => c.name)
          .join(','),
      {
        priority: 1,
      },
    ),
    column(
      'Images',
      o =>
        containers(o)
          .map(c => c.image)
          .join(','),
      {
        priority: 1,
      },
    ),
    ...(selector
      ? [
          column('Selector', o => selectorString(field(o, '.spec.selector')), {
            priority: 1,
          }),
        ]
      : []),
  ];
}

function jobStatus(job: KubeObject): string {
  const conditions = (field(job, '.status.conditions') ?? []) as Array<{
    type: string;
    status: string;
  }>;
  const holds = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  if (holds('Complete')) return 'Complete';
  if (holds('Failed')) return 'Failed';
  if (field(job, '.spec.suspend') === true) return 'Suspended';
  return 'Running';
}

function jobDuration(job: KubeObject, now: Date): string {
  const start = field(job, '.status.startTime');
  if (typeof start !== 'string') return '';
  const end = field(job, '.status.completionTime');
  const until = typeof end === 'string' ? Date.parse(end) : now.getTime();
  return humanDuration((until - Date.parse(start)) / 1000);
}

function hpaTargets(hpa: KubeObject): string {
  const metrics = (field(hpa, '.spec.metrics') ?? []) as Array<{
    type?: string;
    resource?: { name?: string; target?: { averageUtilization?: number } };
  }>;
  const current = (field(hpa, '.status.currentMetrics') ?? []) as Array<{
    resource?: { name?: string; current?: { averageUtilization?: number } };
  }>;
  const targets = metrics
    .filter(
      m => m.type === 'Resource' && m.resource?.target?.averageUtilization,
    )
    .map(m => {
      const now = current.find(c => c.resource?.name === m.resource?.name)
        ?.resource?.current?.averageUtilization;
      return `${m.resource!.name}: ${
        now === undefined ? '<unknown>' : `${now}%`
      }/${m.resource!.target!.averageUtilization}%`;
    });
  return targets.join(', ') || '<none>';
}

const none = (value: unknown) =>
  value === undefined || value === null || value === '' ? '<none>' : value;

/** Pods and the workload kinds, by `group/plural`. */
export const WORKLOAD_COLUMNS: Record<string, Column[]> = {
  '/pods': [
    nameColumn,
    column('Ready', podReady),
    column('Status', podStatus),
    column('Restarts', restarts, { type: 'integer' }),
    ageColumn,
    column('IP', o => none(field(o, '.status.podIP')), { priority: 1 }),
    column('Node', o => none(field(o, '.spec.nodeName')), { priority: 1 }),
    column('Nominated Node', o => none(field(o, '.status.nominatedNodeName')), {
      priority: 1,
    }),
    column(
      'Readiness Gates',
      o => {
        const gates = evaluateJsonPath(o, '.spec.readinessGates[*]');
        return gates.length ? `0/${gates.length}` : '<none>';
      },
      { priority: 1 },
    ),
  ],
  'apps/deployments': [
    nameColumn,
    column('Ready', ready),
    countColumn('Up-to-date', '.status.updatedReplicas'),
    countColumn('Available', '.status.availableReplicas'),
    ageColumn,
    ...templateColumns('.spec.template'),
  ],
  'apps/replicasets': [
    nameColumn,
    countColumn('Desired', '.spec.replicas'),
    countColumn('Current', '.status.replicas'),
    countColumn('Ready', '.status.readyReplicas'),
    ageColumn,
    ...templateColumns('.spec.template'),
  ],
  'apps/statefulsets': [
    nameColumn,
    column('Ready', ready),
    ageColumn,
    ...templateColumns('.spec.template', { selector: false }),
  ],
  'apps/daemonsets': [
    nameColumn,
    countColumn('Desired', '.status.desiredNumberScheduled'),
    countColumn('Current', '.status.currentNumberScheduled'),
    countColumn('Ready', '.status.numberReady'),
    countColumn('Up-to-date', '.status.updatedNumberScheduled'),
    countColumn('Available', '.status.numberAvailable'),
    column('Node Selector', o => {
      const selector = (field(o, '.spec.template.spec.nodeSelector') ??
        {}) as Record<string, string>;
      return (
        Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>'
      );
    }),
    ageColumn,
    ...templateColumns('.spec.template'),
  ],
  'batch/jobs': [
    nameColumn,
    column('Status', jobStatus),
    column(
      'Completions',
      o =>
        `${numberAt(o, '.status.succeeded')}/${
          field(o, '.spec.completions') ?? 1
        }`,
    ),
    column('Duration', jobDuration),
    ageColumn,
    ...templateColumns('.spec.template'),
  ],
  'batch/cronjobs': [
    nameColumn,
    column('Schedule', o => field(o, '.spec.schedule') ?? ''),
    column('Timezone', o => none(field(o, '.spec.timeZone'))),
    column('Suspend', o => (field(o, '.spec.suspend') ? 'True' : 'False')),
    column('Active', o => evaluateJsonPath(o, '.status.active[*]').length, {
      type: 'integer',
    }),
    column('Last Schedule', (o, now) => {
      const last = field(o, '.status.lastScheduleTime');
      return last ? age(last, now) : '<none>';
    }),
    ageColumn,
    ...templateColumns('.spec.jobTemplate.spec.template', { selector: false }),
  ],
  'autoscaling/horizontalpodautoscalers': [
    nameColumn,
    column(
      'Reference',
      o =>
        `${field(o, '.spec.scaleTargetRef.kind')}/${field(
          o,
          '.spec.scaleTargetRef.name',
        )}`,
    ),
    column('Targets', hpaTargets),
    column('MinPods', o => field(o, '.spec.minReplicas') ?? 1, {
      type: 'integer',
    }),
    countColumn('MaxPods', '.spec.maxReplicas'),
    countColumn('Replicas', '.status.currentReplicas'),
    ageColumn,
  ],
};
