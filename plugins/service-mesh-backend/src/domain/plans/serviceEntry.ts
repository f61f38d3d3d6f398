import {
  DEFAULT_SERVICE_ENTRY_NAME,
  externalHostProblem,
  externalServiceEntry,
  isDns1123Label,
  SERVICE_ENTRY_PORTS,
  type KubeOperation,
  type ServiceEntryRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { IstioServiceEntry } from '../kube';
import type { MeshContext } from '../mesh';
import { inNamespace } from '../snapshot';
import { prepareNamespaceAction } from './enroll';
import {
  createOperation,
  patchOperation,
  resourceVersionTest,
} from './operations';
import { PlanOutcome, refused } from './outcome';

export interface ServiceEntryOptions {
  clusterDomain?: string;
}

/**
 * A value with its keys sorted and its lists in a fixed order: every list
 * of a ServiceEntry spec (hosts, exportTo, ports, addresses) is a set, so
 * the same entries in another order are the same spec.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .map(item => JSON.stringify(canonical(item)))
      .sort()
      .map(item => JSON.parse(item));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
}

function sameSpec(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The name a request's ServiceEntry has: `external-hosts` unless named. */
export function serviceEntryName(request: { name?: string }): string {
  return request.name ?? DEFAULT_SERVICE_ENTRY_NAME;
}

/**
 * Declares external hosts for a namespace in a ServiceEntry (outside the
 * mesh, resolved by DNS, exported to the namespace only), so that proxies
 * limited by a Sidecar egress such as `*\/api.stripe.com` can reach them.
 * Creates it, changes nothing when an identical one exists, or replaces the
 * spec of one of the same name, guarded by its resourceVersion: a JSON
 * Patch of the whole spec, never a merge of its lists.
 *
 * The caches do not mirror ServiceEntries; `snapshot.serviceEntries` holds
 * the one named, as read from the cluster for this plan.
 */
export function planServiceEntry(
  context: MeshContext,
  request: ServiceEntryRequest,
  options: ServiceEntryOptions = {},
): PlanOutcome {
  const prepared = prepareNamespaceAction(context, request);
  if (!prepared.ok) {
    return prepared;
  }
  const ns = prepared.namespace.metadata.name;
  const name = serviceEntryName(request);
  if (!isDns1123Label(name)) {
    return refused(
      'input',
      'SM-INPUT-SERVICE-ENTRY-NAME',
      `'${name}' is not a valid ServiceEntry name`,
    );
  }
  const hosts = [...new Set(request.hosts)];
  const problems = hosts.length
    ? hosts
        .map(host => externalHostProblem(host, options.clusterDomain))
        .filter((p): p is string => p !== undefined)
    : ['Give at least one external host'];
  if (problems.length) {
    return refused('input', 'SM-INPUT-EXTERNAL-HOSTS', problems.join('; '));
  }
  const protocol = request.protocol ?? 'TLS';
  if (!Object.hasOwn(SERVICE_ENTRY_PORTS, protocol)) {
    return refused(
      'input',
      'SM-INPUT-SERVICE-ENTRY-PROTOCOL',
      `Protocol '${protocol}' is not one of ${Object.keys(
        SERVICE_ENTRY_PORTS,
      ).join(', ')}`,
    );
  }
  const { serviceEntries } = context.snapshot;
  if (!serviceEntries) {
    return refused(
      'conflict',
      'SM-NO-SERVICE-ENTRY-API',
      `Cluster ${context.snapshot.cluster} does not serve networking.istio.io/v1, so it has no ServiceEntry; nothing was changed`,
    );
  }

  const desired: IstioServiceEntry = externalServiceEntry({
    namespace: ns,
    hosts,
    name,
    protocol,
  });
  const declared = hosts.join(', ');
  const existing = inNamespace(serviceEntries, ns).find(
    entry => entry.metadata.name === name,
  );
  let operations: KubeOperation[];
  if (!existing) {
    operations = [
      createOperation(
        desired,
        `Create ServiceEntry ${name} in ${ns} declaring ${declared}`,
      ),
    ];
  } else if (sameSpec(existing.spec, desired.spec)) {
    operations = [];
  } else {
    operations = [
      patchOperation(
        existing,
        [
          ...resourceVersionTest(existing),
          {
            op: existing.spec ? 'replace' : 'add',
            path: '/spec',
            value: desired.spec,
          },
        ],
        `Replace the spec of ServiceEntry ${name} in ${ns}, declaring ${declared}`,
      ),
    ];
  }
  return { ok: true, change: { operations }, forced: [] };
}
