import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  LabelSelector,
  matchesLabelSelector,
  MembershipInfo,
} from '@mesh-backstage/plugin-service-mesh-common';
import { parse as parseYaml } from 'yaml';
import { ControlPlaneModel, revisionRouting } from '../controlPlane';
import { checkInjectorReady, runGuards } from '../guards';
import { decideInjection, resolveRevision } from '../injection';
import type { ConfigMap, Namespace } from '../kube';
import { labelPatch } from '../plans/operations';
import { PlanOutcome, refused } from '../plans/outcome';
import type { EnrollmentInput } from './types';

/*
 * Logic shared by the label-driven flavours, upstream Istio and Sail: a
 * namespace is in the mesh when its labels make new pods injected and, if
 * the mesh limits what istiod watches, its labels match a discovery
 * selector.
 */

export function matchesDiscoverySelectors(
  selectors: LabelSelector[] | undefined,
  labels: Record<string, string>,
): boolean {
  // Istio treats the selectors as OR-ed; none means "watch everything".
  return (
    !selectors ||
    selectors.length === 0 ||
    selectors.some(s => matchesLabelSelector(s, labels))
  );
}

export function labelledMembership(
  controlPlane: ControlPlaneModel,
  namespace: Namespace,
): MembershipInfo {
  const labels = namespace.metadata.labels ?? {};
  const decision = decideInjection(
    { name: namespace.metadata.name, labels },
    {},
    { style: 'labels', ...revisionRouting([controlPlane]) },
  );
  const discovered = matchesDiscoverySelectors(
    controlPlane.discoverySelectors,
    labels,
  );
  const usesSelectors = (controlPlane.discoverySelectors?.length ?? 0) > 0;
  return {
    member: decision.injected && discovered,
    via: usesSelectors ? 'discoverySelector' : 'labels',
  };
}

/** The discovery selectors in a mesh config map's `mesh` YAML. */
export function discoverySelectorsOf(
  configMap: ConfigMap | undefined,
): LabelSelector[] | undefined {
  const mesh = configMap?.data?.mesh;
  if (!mesh) {
    return undefined;
  }
  try {
    const parsed = parseYaml(mesh);
    return Array.isArray(parsed?.discoverySelectors)
      ? parsed.discoverySelectors
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Labels that make a namespace match one of the discovery selectors, when a
 * selector made of matchLabels only allows it.
 */
function discoveryLabels(
  selectors: LabelSelector[] | undefined,
  labels: Record<string, string>,
): Record<string, string> | 'impossible' | undefined {
  if (matchesDiscoverySelectors(selectors, labels)) {
    return undefined;
  }
  const simple = selectors!.find(
    s => !s.matchExpressions?.length && Object.keys(s.matchLabels ?? {}).length,
  );
  return simple ? { ...simple.matchLabels } : 'impossible';
}

export function planLabelledEnroll(input: EnrollmentInput): PlanOutcome {
  const { controlPlane, namespace, revision } = input;
  const labels = namespace.metadata.labels ?? {};
  const routing = revisionRouting([controlPlane]);
  const wanted: Record<string, string | null> = {};
  let target: string | undefined;

  if (revision !== undefined) {
    const resolved = resolveRevision(revision, routing);
    if (!resolved) {
      return refused(
        'input',
        'SM-INPUT-REVISION',
        `No revision or tag named '${revision}' in control plane ${controlPlane.namespace}`,
      );
    }
    target = resolved.revision;
    // istio-injection would win over istio.io/rev, so it goes.
    wanted[ISTIO_REVISION_LABEL] = revision;
    wanted[ISTIO_INJECTION_LABEL] = null;
  } else {
    const current = decideInjection(
      { name: namespace.metadata.name, labels },
      {},
      { style: 'labels', ...routing },
    );
    if (current.injected) {
      target = current.revision;
    } else if (controlPlane.defaultRevision !== undefined) {
      target = controlPlane.defaultRevision;
      wanted[ISTIO_INJECTION_LABEL] = 'enabled';
      // A broken istio.io/rev would be ignored anyway; drop it to avoid IST0123.
      wanted[ISTIO_REVISION_LABEL] = null;
    } else {
      target =
        controlPlane.activeRevision ??
        (controlPlane.revisions.length === 1
          ? controlPlane.revisions[0].name
          : undefined);
      if (target === undefined) {
        return refused(
          'conflict',
          'SM-ENROLL-NO-REVISION',
          `Control plane ${controlPlane.namespace} has no default revision; name the revision or tag to use`,
        );
      }
      wanted[ISTIO_REVISION_LABEL] = target;
      wanted[ISTIO_INJECTION_LABEL] = null;
    }
  }

  const extra = discoveryLabels(controlPlane.discoverySelectors, {
    ...labels,
    ...(Object.fromEntries(
      Object.entries(wanted).filter(([, v]) => v !== null),
    ) as Record<string, string>),
  });
  if (extra === 'impossible') {
    return refused(
      'conflict',
      'SM-ENROLL-DISCOVERY-SELECTOR',
      `The mesh only watches namespaces matching its discoverySelectors, and none of them can be met by adding labels; ask the platform team to include ${namespace.metadata.name}`,
    );
  }
  if (extra) {
    Object.assign(wanted, extra);
  }

  const guards = runGuards(
    [() => checkInjectorReady([controlPlane], target!)],
    input.force,
  );
  if (!guards.ok) {
    return guards;
  }
  const operation = labelPatch(
    namespace,
    wanted,
    words => `Namespace ${namespace.metadata.name}: ${words}`,
  );
  return {
    ok: true,
    change: { operations: operation ? [operation] : [] },
    forced: operation ? guards.forced : [],
  };
}

export function planLabelledUnenroll(input: EnrollmentInput): PlanOutcome {
  const wanted = {
    [ISTIO_INJECTION_LABEL]: null,
    [ISTIO_REVISION_LABEL]: null,
  };
  const operation = labelPatch(
    input.namespace,
    wanted,
    `Remove the injection labels of namespace ${input.namespace.metadata.name}; running pods keep their sidecars until restarted`,
  );
  return {
    ok: true,
    change: { operations: operation ? [operation] : [] },
    forced: [],
  };
}
