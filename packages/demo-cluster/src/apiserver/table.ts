import { typeKey } from './objects';
import { KubeObject, ResourceType } from './types';

/** `meta.k8s.io` Table versions kubectl asks for: v1, and v1beta1 before 1.23-ish. */
export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (object: KubeObject, now: Date) => unknown;
}

/** Which Table version the Accept header asks for, if any. */
export function tableVersionFromAccept(
  accept: string | undefined,
): TableVersion | undefined {
  for (const mediaType of (accept ?? '').split(',')) {
    const params = new Map(
      mediaType
        .split(';')
        .slice(1)
        .map(param => param.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const version = params.get('v');
      if (version === 'v1' || version === 'v1beta1') {
        return version;
      }
    }
  }
  return undefined;
}

/** Ages as kubectl prints them: 45s, 12m, 3h4m, 6d, 2y. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return `${minutes}m${s % 60 ? `${s % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 ? `${hours % 24}h` : ''}`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

function age(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string') {
    return '<unknown>';
  }
  return humanDuration((now.getTime() - Date.parse(timestamp)) / 1000);
}

/**
 * Evaluates the JSONPath subset printer columns use: `.a.b`, `[0]`, `[*]`
 * and `[?(@.type=="Ready")]` filters.
 */
export function evaluateJsonPath(object: unknown, path: string): unknown[] {
  const tokens =
    path
      .replace(/^\{|\}$/g, '')
      .replace(/^\$/, '')
      .match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let current: unknown[] = [object];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      if (token.startsWith('.')) {
        const child = (value as Record<string, unknown>)[token.slice(1)];
        if (child !== undefined) next.push(child);
        continue;
      }
      const inner = token.slice(1, -1);
      const items = Array.isArray(value) ? value : [];
      const filter = /^\?\(@\.([\w.-]+)\s*==\s*["']?([^"')]*)["']?\)$/.exec(
        inner,
      );
      if (inner === '*') {
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      } else if (filter) {
        next.push(
          ...items.filter(
            item =>
              String(evaluateJsonPath(item, `.${filter[1]}`)[0]) === filter[2],
          ),
        );
      } else if (/^-?\d+$/.test(inner)) {
        const index = Number(inner);
        const item = items[index < 0 ? items.length + index : index];
        if (item !== undefined) next.push(item);
      }
    }
    current = next;
  }
  return current;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(formatValue).join(' ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

function field(object: KubeObject, path: string): unknown {
  return evaluateJsonPath(object, path)[0];
}

const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: object => object.metadata.name,
};

const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (object, now) => age(object.metadata.creationTimestamp, now),
};

function column(
  name: string,
  cell: (object: KubeObject, now: Date) => unknown,
  options: { type?: string; priority?: number; description?: string } = {},
): Column {
  return {
    name,
    type: options.type ?? 'string',
    description: options.description ?? name,
    priority: options.priority ?? 0,
    cell,
  };
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) {
    return 'Terminating';
  }
  const status = (pod.status ?? {}) as {
    phase?: string;
    reason?: string;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
  for (const container of status.initContainerStatuses ?? []) {
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

function containerStatuses(pod: KubeObject): ContainerStatus[] {
  return (
    ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)
      ?.containerStatuses as ContainerStatus[]) ?? []
  );
}

function containerCount(pod: KubeObject): number {
  return (
    (pod.spec as { containers?: unknown[] } | undefined)?.containers?.length ??
    0
  );
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

/** Columns of the built-in types, modelled on the apiserver's printers. */
const BUILTIN_COLUMNS: Record<string, Column[]> = {
  '/namespaces': [
    nameColumn,
    column('Status', o => field(o, '.status.phase') ?? 'Active'),
    ageColumn,
  ],
  '/pods': [
    nameColumn,
    column(
      'Ready',
      o =>
        `${containerStatuses(o).filter(s => s.ready).length}/${containerCount(
          o,
        )}`,
    ),
    column('Status', podStatus),
    column(
      'Restarts',
      o =>
        containerStatuses(o).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
      { type: 'integer' },
    ),
    ageColumn,
    column('IP', o => field(o, '.status.podIP') ?? '<none>', { priority: 1 }),
    column('Node', o => field(o, '.spec.nodeName') ?? '<none>', {
      priority: 1,
    }),
  ],
  '/services': [
    nameColumn,
    column('Type', o => field(o, '.spec.type') ?? 'ClusterIP'),
    column('Cluster-IP', o => field(o, '.spec.clusterIP') ?? '<none>'),
    column('External-IP', () => '<none>'),
    column(
      'Port(s)',
      o =>
        evaluateJsonPath(o, '.spec.ports[*]')
          .map(port => {
            const p = port as { port?: number; protocol?: string };
            return `${p.port}/${p.protocol ?? 'TCP'}`;
          })
          .join(',') || '<none>',
    ),
    ageColumn,
  ],
  '/configmaps': [
    nameColumn,
    column(
      'Data',
      o =>
        Object.keys((o.data as object) ?? {}).length +
        Object.keys((o.binaryData as object) ?? {}).length,
      { type: 'integer' },
    ),
    ageColumn,
  ],
  '/serviceaccounts': [
    nameColumn,
    column('Secrets', o => evaluateJsonPath(o, '.secrets[*]').length, {
      type: 'integer',
    }),
    ageColumn,
  ],
  '/events': [
    column('Last Seen', (o, now) =>
      age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
    ),
    column('Type', o => o.type ?? ''),
    column('Reason', o => o.reason ?? ''),
    column('Object', o => {
      const involved = (o.involvedObject ?? {}) as {
        kind?: string;
        name?: string;
      };
      return `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`;
    }),
    column('Message', o => o.message ?? ''),
  ],
  'apps/deployments': [
    nameColumn,
    column('Ready', ready),
    countColumn('Up-to-date', '.status.updatedReplicas'),
    countColumn('Available', '.status.availableReplicas'),
    ageColumn,
  ],
  'apps/replicasets': [
    nameColumn,
    countColumn('Desired', '.spec.replicas'),
    countColumn('Current', '.status.replicas'),
    countColumn('Ready', '.status.readyReplicas'),
    ageColumn,
  ],
  'apps/statefulsets': [nameColumn, column('Ready', ready), ageColumn],
  'apps/daemonsets': [
    nameColumn,
    countColumn('Desired', '.status.desiredNumberScheduled'),
    countColumn('Current', '.status.currentNumberScheduled'),
    countColumn('Ready', '.status.numberReady'),
    ageColumn,
  ],
  'apiextensions.k8s.io/customresourcedefinitions': [
    nameColumn,
    column('Created At', o => o.metadata.creationTimestamp, { type: 'date' }),
  ],
  'route.openshift.io/routes': [
    nameColumn,
    column('Host/Port', o => field(o, '.spec.host') ?? ''),
    column('Path', o => field(o, '.spec.path') ?? ''),
    column('Services', o => field(o, '.spec.to.name') ?? ''),
    column('Termination', o => field(o, '.spec.tls.termination') ?? ''),
    ageColumn,
  ],
  'networking.k8s.io/ingresses': [
    nameColumn,
    column('Class', o => field(o, '.spec.ingressClassName') ?? '<none>'),
    column(
      'Hosts',
      o => evaluateJsonPath(o, '.spec.rules[*].host').join(',') || '*',
    ),
    column('Address', () => ''),
    column('Ports', o => (field(o, '.spec.tls') ? '80, 443' : '80')),
    ageColumn,
  ],
};

/** A CRD's additionalPrinterColumns, evaluated as the apiextensions server does. */
function printerColumns(resource: ResourceType): Column[] {
  const declared = resource.printerColumns ?? [];
  if (declared.length === 0) {
    return [nameColumn, ageColumn];
  }
  return [
    nameColumn,
    ...declared.map(printer =>
      column(
        printer.name,
        (object, now) => {
          const values = evaluateJsonPath(object, printer.jsonPath);
          if (values.length === 0) return null;
          if (printer.type === 'date') return age(values[0], now);
          if (printer.type === 'integer' || printer.type === 'number') {
            return Number(values[0]);
          }
          if (printer.type === 'boolean') return Boolean(values[0]);
          return values.map(formatValue).join(',');
        },
        {
          type: printer.type === 'date' ? 'string' : printer.type,
          description: printer.description,
        },
      ),
    ),
  ];
}

function columnsFor(resource: ResourceType): Column[] {
  return BUILTIN_COLUMNS[typeKey(resource)] ?? printerColumns(resource);
}

function rowObject(
  object: KubeObject,
  includeObject: IncludeObject,
  tableVersion: TableVersion,
) {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: object.metadata,
  };
}

/** Renders objects as a `meta.k8s.io` Table, the shape `kubectl get` prints. */
export function toTable(
  resource: ResourceType,
  objects: readonly KubeObject[],
  options: {
    tableVersion: TableVersion;
    includeObject?: IncludeObject;
    includeColumns?: boolean;
    listMetadata?: Record<string, unknown>;
    now?: Date;
  },
) {
  const now = options.now ?? new Date();
  const columns = columnsFor(resource);
  const includeObject = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.tableVersion}`,
    metadata: options.listMetadata ?? {},
    ...(options.includeColumns !== false && {
      columnDefinitions: columns.map(
        ({ name, type, format, description, priority }) => ({
          name,
          type,
          format: format ?? '',
          description,
          priority,
        }),
      ),
    }),
    rows: objects.map(object => ({
      cells: columns.map(c => c.cell(object, now) ?? null),
      object: rowObject(object, includeObject, options.tableVersion),
    })),
  };
}
