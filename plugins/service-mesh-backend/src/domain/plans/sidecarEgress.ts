import {
  JsonPatchOperation,
  SidecarEgressRequest,
  SidecarEgressResponse,
} from '@mesh-backstage/plugin-service-mesh-common';
import { isDns1123Label } from '@mesh-backstage/plugin-service-mesh-common';
import type { IstioSidecar, Service } from '../kube';
import { meshVisibleServices, type MeshContext } from '../mesh';
import {
  defaultEgressHosts,
  egressHostAllows,
  egressHostProblem,
  egressHostsOf,
  namespaceDefaultSidecar,
} from '../sidecarScope';
import { SidecarValidator, validateSidecarSchema } from '../sidecarSchema';
import { inNamespace } from '../snapshot';
import { prepareNamespaceAction } from './enroll';
import {
  createOperation,
  patchOperation,
  resourceVersionTest,
} from './operations';
import { PlanOutcome, refused } from './outcome';

/** Services named in `disappearing` and `appearing`; the counts say the rest. */
const LISTED_SERVICES = 100;

type VisibleServicesChange = SidecarEgressResponse['visibleServices'];

export interface SidecarEgressOptions {
  /** Defaults to the Istio schema of `@kubernetes-models/istio`. */
  validateSchema?: SidecarValidator;
  clusterDomain?: string;
}

function sameSelector(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(map: Record<string, string> | undefined) {
  return map && Object.keys(map).length
    ? Object.fromEntries(
        Object.entries(map).sort(([x], [y]) => x.localeCompare(y)),
      )
    : undefined;
}

/**
 * Creates or updates a Sidecar egress resource (`default` unless named)
 * limiting which services the namespace's proxies receive configuration
 * for, and counts those services before and after.
 */
export function planSidecarEgress(
  context: MeshContext,
  request: SidecarEgressRequest,
  options: SidecarEgressOptions = {},
): PlanOutcome<{ visibleServices: VisibleServicesChange }> {
  const prepared = prepareNamespaceAction(context, request);
  if (!prepared.ok) {
    return prepared;
  }
  const { namespace, controlPlane } = prepared;
  const ns = namespace.metadata.name;
  const name = request.name ?? 'default';
  if (!isDns1123Label(name)) {
    return refused(
      'input',
      'SM-INPUT-SIDECAR-NAME',
      `'${name}' is not a valid Sidecar name`,
    );
  }
  const hosts = [
    ...new Set(request.hosts ?? defaultEgressHosts(controlPlane.namespace)),
  ];
  if (hosts.length === 0) {
    return refused(
      'input',
      'SM-INPUT-EGRESS-HOSTS',
      'Give at least one egress host',
    );
  }
  const problems = hosts
    .map(egressHostProblem)
    .filter((p): p is string => p !== undefined);
  if (problems.length) {
    return refused('input', 'SM-INPUT-EGRESS-HOSTS', problems.join('; '));
  }
  const selector = sortKeys(request.workloadSelector);
  const sidecars = inNamespace(context.snapshot.sidecars, ns);
  const existing = sidecars.find(s => s.metadata.name === name);
  if (!selector) {
    // IST0111: two selector-less Sidecars in a namespace make Istio pick one arbitrarily.
    const other = sidecars.find(
      s => s.metadata.name !== name && !s.spec?.workloadSelector?.labels,
    );
    if (other) {
      return refused(
        'conflict',
        'IST0111',
        `Namespace ${ns} already has Sidecar ${other.metadata.name} without a workloadSelector; edit that one instead`,
      );
    }
  }

  const spec: IstioSidecar['spec'] = {
    ...existing?.spec,
    egress: [{ hosts }],
  };
  if (selector) {
    spec.workloadSelector = { labels: selector };
  } else {
    delete spec.workloadSelector;
  }
  const desired: IstioSidecar = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: ns },
    spec,
  };
  const schemaProblems = (options.validateSchema ?? validateSidecarSchema)(
    desired,
  );
  if (schemaProblems.length) {
    return refused(
      'input',
      'IST0106',
      `The Sidecar does not match the Istio schema: ${schemaProblems.join(
        '; ',
      )}`,
    );
  }

  const visible = meshVisibleServices(context, controlPlane);
  const current = selector
    ? existing
    : namespaceDefaultSidecar(
        context.snapshot.sidecars,
        ns,
        controlPlane.namespace,
      );
  const allowedBy = (egress: string[]) =>
    visible.filter(service =>
      egress.some(host =>
        egressHostAllows(host, ns, service, options.clusterDomain),
      ),
    );
  const seenBefore = current ? allowedBy(egressHostsOf(current)) : visible;
  const seenAfter = allowedBy(hosts);
  const names = (services: Service[]) =>
    services
      .map(s => `${s.metadata.namespace}/${s.metadata.name}`)
      .sort()
      .slice(0, LISTED_SERVICES);

  let operations;
  if (!existing) {
    operations = [
      createOperation(
        desired,
        `Create Sidecar ${name} in ${ns} with egress ${hosts.join(', ')}`,
      ),
    ];
  } else {
    const patch: JsonPatchOperation[] = [];
    const currentHosts = existing.spec?.egress;
    if (JSON.stringify(currentHosts) !== JSON.stringify(spec.egress)) {
      patch.push({
        op: existing.spec?.egress ? 'replace' : 'add',
        path: '/spec/egress',
        value: spec.egress,
      });
    }
    const currentSelector = existing.spec?.workloadSelector?.labels;
    if (!sameSelector(currentSelector, selector)) {
      patch.push(
        selector
          ? {
              op: existing.spec?.workloadSelector ? 'replace' : 'add',
              path: '/spec/workloadSelector',
              value: { labels: selector },
            }
          : { op: 'remove', path: '/spec/workloadSelector' },
      );
    }
    if (patch.length && !existing.spec) {
      patch.unshift({ op: 'add', path: '/spec', value: {} });
    }
    operations = patch.length
      ? [
          patchOperation(
            existing,
            [...resourceVersionTest(existing), ...patch],
            `Set the egress of Sidecar ${name} in ${ns} to ${hosts.join(', ')}`,
          ),
        ]
      : [];
  }
  return {
    ok: true,
    change: { operations },
    forced: [],
    visibleServices: {
      before: seenBefore.length,
      after: seenAfter.length,
      disappearing: names(seenBefore.filter(s => !seenAfter.includes(s))),
      appearing: names(seenAfter.filter(s => !seenBefore.includes(s))),
    },
  };
}
