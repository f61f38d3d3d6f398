import { KubeObject } from '../types';
import {
  age,
  ageColumn,
  Column,
  column,
  evaluateJsonPath,
  field,
  nameColumn,
} from './cells';
import { WORKLOAD_COLUMNS } from './workloadColumns';

const countOf = (o: KubeObject, path: string) =>
  evaluateJsonPath(o, path).length;

const createdAt = column('Created At', o => o.metadata.creationTimestamp, {
  type: 'date',
});

/** NAME, WEBHOOKS, AGE: the admission webhook configurations. */
const webhookColumns = [
  nameColumn,
  column('Webhooks', o => countOf(o, '.webhooks[*]'), { type: 'integer' }),
  ageColumn,
];

function servicePorts(o: KubeObject): string {
  const ports = evaluateJsonPath(o, '.spec.ports[*]') as Array<{
    port?: number;
    nodePort?: number;
    protocol?: string;
  }>;
  return (
    ports
      .map(
        p =>
          `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${
            p.protocol ?? 'TCP'
          }`,
      )
      .join(',') || '<none>'
  );
}

/** `10.0.0.1:8080,10.0.0.2:8080`, at most three then `+ N more...`, as kubectl prints. */
function endpointAddresses(o: KubeObject): string {
  const pairs: string[] = [];
  for (const subset of evaluateJsonPath(o, '.subsets[*]') as Array<{
    addresses?: Array<{ ip?: string }>;
    ports?: Array<{ port?: number }>;
  }>) {
    for (const address of subset.addresses ?? []) {
      for (const port of subset.ports?.length ? subset.ports : [{}]) {
        pairs.push(port.port ? `${address.ip}:${port.port}` : `${address.ip}`);
      }
    }
  }
  if (pairs.length === 0) return '<none>';
  return pairs.length > 3
    ? `${pairs.slice(0, 3).join(',')} + ${pairs.length - 3} more...`
    : pairs.join(',');
}

function eventObject(o: KubeObject): string {
  const involved = (o.involvedObject ?? o.regarding ?? {}) as {
    kind?: string;
    name?: string;
  };
  return `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`;
}

const eventColumns: Column[] = [
  column('Last Seen', (o, now) =>
    age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
  ),
  column('Type', o => o.type ?? ''),
  column('Reason', o => o.reason ?? ''),
  column('Object', eventObject),
  column(
    'Subobject',
    o =>
      (o.involvedObject as { fieldPath?: string } | undefined)?.fieldPath ?? '',
    { priority: 1 },
  ),
  column(
    'Source',
    o => {
      const source = (o.source ?? {}) as { component?: string; host?: string };
      return (
        [source.component, source.host].filter(Boolean).join(', ') ||
        String(o.reportingComponent ?? '')
      );
    },
    { priority: 1 },
  ),
  column('Message', o => o.message ?? o.note ?? ''),
  column(
    'First Seen',
    (o, now) => age(o.firstTimestamp ?? o.metadata.creationTimestamp, now),
    { priority: 1 },
  ),
  column('Count', o => o.count ?? 1, { type: 'integer', priority: 1 }),
  column('Name', o => o.metadata.name, { priority: 1 }),
];

function quotaPairs(o: KubeObject, prefix: 'requests' | 'limits' | ''): string {
  const hard = (field(o, '.status.hard') ??
    field(o, '.spec.hard') ??
    {}) as Record<string, string>;
  const used = (field(o, '.status.used') ?? {}) as Record<string, string>;
  return Object.keys(hard)
    .filter(key =>
      prefix ? key.startsWith(`${prefix}.`) : !/^(requests|limits)\./.test(key),
    )
    .sort()
    .map(key => `${key}: ${used[key] ?? '0'}/${hard[key]}`)
    .join(', ');
}

/** Columns of the built-in types by `group/plural`, modelled on the apiserver's printers. */
export const BUILTIN_COLUMNS: Record<string, Column[]> = {
  ...WORKLOAD_COLUMNS,
  '/namespaces': [
    nameColumn,
    column('Status', o => field(o, '.status.phase') ?? 'Active'),
    ageColumn,
  ],
  '/services': [
    nameColumn,
    column('Type', o => field(o, '.spec.type') ?? 'ClusterIP'),
    column('Cluster-IP', o => field(o, '.spec.clusterIP') ?? '<none>'),
    column('External-IP', o => {
      const ips = [
        ...evaluateJsonPath(o, '.status.loadBalancer.ingress[*].ip'),
        ...evaluateJsonPath(o, '.spec.externalIPs[*]'),
      ];
      if (ips.length) return ips.join(',');
      return field(o, '.spec.type') === 'LoadBalancer' ? '<pending>' : '<none>';
    }),
    column('Port(s)', servicePorts),
    ageColumn,
    column(
      'Selector',
      o =>
        Object.entries(
          (field(o, '.spec.selector') ?? {}) as Record<string, string>,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      { priority: 1 },
    ),
  ],
  '/endpoints': [nameColumn, column('Endpoints', endpointAddresses), ageColumn],
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
  '/secrets': [
    nameColumn,
    column('Type', o => o.type ?? 'Opaque'),
    column(
      'Data',
      o =>
        new Set([
          ...Object.keys((o.data as object) ?? {}),
          ...Object.keys((o.stringData as object) ?? {}),
        ]).size,
      { type: 'integer' },
    ),
    ageColumn,
  ],
  '/serviceaccounts': [
    nameColumn,
    column('Secrets', o => countOf(o, '.secrets[*]'), { type: 'integer' }),
    ageColumn,
  ],
  '/events': eventColumns,
  'events.k8s.io/events': eventColumns,
  '/limitranges': [nameColumn, createdAt],
  '/resourcequotas': [
    nameColumn,
    ageColumn,
    column('Request', o => quotaPairs(o, 'requests') || quotaPairs(o, '')),
    column('Limit', o => quotaPairs(o, 'limits')),
  ],
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': webhookColumns,
  'admissionregistration.k8s.io/validatingwebhookconfigurations':
    webhookColumns,
  'apiextensions.k8s.io/customresourcedefinitions': [nameColumn, createdAt],
  'route.openshift.io/routes': [
    nameColumn,
    column('Host/Port', o => field(o, '.spec.host') ?? ''),
    column('Path', o => field(o, '.spec.path') ?? ''),
    column('Services', o => field(o, '.spec.to.name') ?? ''),
    column('Port', o => field(o, '.spec.port.targetPort') ?? '<all>'),
    column('Termination', o => {
      const tls = field(o, '.spec.tls') as
        | { termination?: string; insecureEdgeTerminationPolicy?: string }
        | undefined;
      if (!tls?.termination) return '';
      return tls.insecureEdgeTerminationPolicy
        ? `${tls.termination}/${tls.insecureEdgeTerminationPolicy}`
        : tls.termination;
    }),
    column('Wildcard', o => field(o, '.spec.wildcardPolicy') ?? 'None'),
  ],
  'networking.k8s.io/ingresses': [
    nameColumn,
    column('Class', o => field(o, '.spec.ingressClassName') ?? '<none>'),
    column(
      'Hosts',
      o => evaluateJsonPath(o, '.spec.rules[*].host').join(',') || '*',
    ),
    column('Address', o =>
      [
        ...evaluateJsonPath(o, '.status.loadBalancer.ingress[*].ip'),
        ...evaluateJsonPath(o, '.status.loadBalancer.ingress[*].hostname'),
      ].join(','),
    ),
    column('Ports', o => (field(o, '.spec.tls') ? '80, 443' : '80')),
    ageColumn,
  ],
};
