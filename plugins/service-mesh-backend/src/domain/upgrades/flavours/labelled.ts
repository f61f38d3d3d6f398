import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
} from '@mesh-backstage/plugin-service-mesh-common';
import { revisionRouting } from '../../controlPlane';
import {
  isIgnoredByMesh,
  NEVER_INJECTED_NAMESPACES,
  resolveRevision,
} from '../../injection';
import { labelsOf, Namespace } from '../../kube';
import { describeLabels, labelPatch } from '../../plans/operations';
import { isActivePod, podProxy } from '../../proxies';
import { inNamespace } from '../../snapshot';
import type { InjectionLabels, StayingOnOldRevision } from '../types';
import type {
  FlavourUpgradePlan,
  NamespaceMoveDraft,
  UpgradeFlavourInput,
  UpgradePlanRefusal,
} from './types';
import { refuseUpgrade } from './types';

/*
 * Namespaces of the label-driven flavours (upstream Istio and Sail), sorted
 * by how they reach the from-revision:
 * - `istio-injection=enabled` (the default revision): follows the `default`
 *   tag when that tag moves, else is relabelled;
 * - `istio.io/rev=<tag>`: follows the tag when it moves, else stays;
 * - `istio.io/rev=<from-revision>`: pinned by name, moved only if asked;
 * - canary namespaces: relabelled to the canary label, or, chosen by a canary
 *   tag, follow it.
 */

export function injectionLabelsOf(namespace: Namespace): InjectionLabels {
  const labels = labelsOf(namespace);
  const result: InjectionLabels = {};
  if (labels[ISTIO_INJECTION_LABEL] !== undefined) {
    result[ISTIO_INJECTION_LABEL] = labels[ISTIO_INJECTION_LABEL];
  }
  if (labels[ISTIO_REVISION_LABEL] !== undefined) {
    result[ISTIO_REVISION_LABEL] = labels[ISTIO_REVISION_LABEL];
  }
  return result;
}

/** The label change that points a namespace at `label`, with `istio-injection` removed. */
export function relabelWanted(label: string) {
  return { [ISTIO_REVISION_LABEL]: label, [ISTIO_INJECTION_LABEL]: null };
}

/** Labels restored by a rollback: exactly the previous ones, absent keys removed. */
export function restoreWanted(previous: InjectionLabels) {
  return {
    [ISTIO_REVISION_LABEL]: previous[ISTIO_REVISION_LABEL] ?? null,
    [ISTIO_INJECTION_LABEL]: previous[ISTIO_INJECTION_LABEL] ?? null,
  };
}

export function relabelOperation(namespace: Namespace, label: string) {
  const wanted = relabelWanted(label);
  return labelPatch(
    namespace,
    wanted,
    `Label namespace ${namespace.metadata.name}: ${describeLabels(wanted)}`,
  );
}

type Route = { via: 'default' | 'name' } | { via: 'tag'; tag: string };

/** How a namespace's labels reach the from-revision, if they do. */
function routeToRevision(
  input: UpgradeFlavourInput,
  namespace: Namespace,
): Route | undefined {
  const labels = labelsOf(namespace);
  const routing = revisionRouting(input.context.controlPlanes);
  const from = input.request.fromRevision;
  const injection = labels[ISTIO_INJECTION_LABEL];
  if (injection !== undefined) {
    if (injection !== 'enabled' || routing.defaultRevision !== from) {
      return undefined;
    }
    return routing.tags.default !== undefined
      ? { via: 'tag', tag: 'default' }
      : { via: 'default' };
  }
  const label = labels[ISTIO_REVISION_LABEL];
  if (label === undefined) {
    return undefined;
  }
  const resolved = resolveRevision(label, routing);
  if (resolved?.revision !== from) {
    return undefined;
  }
  return resolved.tag ? { via: 'tag', tag: resolved.tag } : { via: 'name' };
}

function candidates(input: UpgradeFlavourInput): Namespace[] {
  const controlPlaneNamespaces = input.context.controlPlanes.map(
    c => c.namespace,
  );
  return input.context.snapshot.namespaces
    .filter(
      ns =>
        !NEVER_INJECTED_NAMESPACES.includes(ns.metadata.name) &&
        !controlPlaneNamespaces.includes(ns.metadata.name) &&
        !isIgnoredByMesh(labelsOf(ns)),
    )
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/**
 * A namespace already pointing at the target (a canary tag moved earlier, a
 * manual relabel) whose pods still run the from-revision: restarts move it.
 */
function restartOnly(
  input: UpgradeFlavourInput,
  namespace: Namespace,
  targetRevision: string,
  canaryTag: string | undefined,
): Pick<NamespaceMoveDraft, 'namespace' | 'canary' | 'move'> | undefined {
  const name = namespace.metadata.name;
  const label = labelsOf(namespace)[ISTIO_REVISION_LABEL];
  const routing = revisionRouting(input.context.controlPlanes);
  const resolved = label ? resolveRevision(label, routing) : undefined;
  const onFrom = inNamespace(input.context.snapshot.pods, name).some(
    pod =>
      isActivePod(pod) &&
      podProxy(pod)?.revision === input.request.fromRevision,
  );
  if (resolved?.revision !== targetRevision || !onFrom) {
    return undefined;
  }
  const canary =
    (input.request.options.canary?.namespaces ?? []).length === 0 &&
    label === canaryTag;
  return { namespace: name, canary, move: 'restartOnly' };
}

export interface LabelledClassification {
  ok: true;
  moves: NamespaceMoveDraft[];
  staying: StayingOnOldRevision[];
}

/**
 * Sorts every namespace on the from-revision into a move or a reason to
 * stay. `targetRevision` is what relabelled namespaces get; canary ones get
 * `canaryLabel`.
 */
export function classifyLabelledNamespaces(
  input: UpgradeFlavourInput,
  targetRevision: string,
  canaryLabel: string,
): LabelledClassification | UpgradePlanRefusal {
  const { options, fromRevision } = input.request;
  const chosen = options.canary?.namespaces ?? [];
  const canaryTag = options.canary?.tag;
  const all = candidates(input);
  const missing = chosen.filter(n => !all.some(ns => ns.metadata.name === n));
  if (missing.length > 0) {
    return refuseUpgrade(
      'input',
      'SM-UPGRADE-CANARY-NAMESPACE',
      `Canary namespace${missing.length === 1 ? '' : 's'} ${missing.join(
        ', ',
      )} not found, or not one an upgrade may move`,
    );
  }
  const moves: NamespaceMoveDraft[] = [];
  const staying: StayingOnOldRevision[] = [];
  for (const namespace of all) {
    const name = namespace.metadata.name;
    const route = routeToRevision(input, namespace);
    const previousLabels = injectionLabelsOf(namespace);
    const relabel = (canary: boolean): NamespaceMoveDraft => {
      const label = canary ? canaryLabel : targetRevision;
      return {
        namespace: name,
        canary,
        move: 'relabel',
        previousLabels,
        targetLabels: { [ISTIO_REVISION_LABEL]: label },
        labelChange: relabelOperation(namespace, label),
      };
    };
    const follow = (tag: string, canary: boolean): NamespaceMoveDraft => ({
      namespace: name,
      canary,
      move: 'followsTag',
      tag,
      previousLabels,
      targetLabels: previousLabels,
    });
    if (chosen.includes(name)) {
      if (!route) {
        return refuseUpgrade(
          'input',
          'SM-UPGRADE-CANARY-NOT-ON-REVISION',
          `Canary namespace ${name} is not on revision ${fromRevision}`,
        );
      }
      moves.push(relabel(true));
    } else if (!route) {
      const move = restartOnly(input, namespace, targetRevision, canaryTag);
      if (move) {
        moves.push({ ...move, previousLabels, targetLabels: previousLabels });
      }
    } else if (route.via === 'tag') {
      if (chosen.length === 0 && route.tag === canaryTag) {
        moves.push(follow(route.tag, true));
      } else if (options.moveTags.includes(route.tag)) {
        moves.push(follow(route.tag, false));
      } else {
        staying.push({
          namespace: name,
          reason: route.tag === 'default' ? 'defaultNotMoved' : 'tagNotMoved',
          message: `${name} uses tag ${route.tag}, which this upgrade does not move`,
        });
      }
    } else if (route.via === 'name' && !options.movePinnedNamespaces) {
      staying.push({
        namespace: name,
        reason: 'pinnedByName',
        message: `${name} is pinned to revision ${fromRevision} by name (istio.io/rev=${fromRevision}); moved only if asked`,
      });
    } else {
      moves.push(relabel(false));
    }
  }
  return { ok: true, moves, staying };
}

/**
 * The plan of a label-driven flavour once its target and tag moves are
 * known: namespaces sorted into moves and stays. `followedTags` are tags
 * whose namespaces move even when not asked (Sail tags on the Istio).
 */
export function labelledUpgradePlan(
  input: UpgradeFlavourInput,
  found: Pick<
    FlavourUpgradePlan,
    | 'targetRevision'
    | 'targetVersion'
    | 'target'
    | 'controlPlaneSteps'
    | 'tagMoves'
  >,
  followedTags: string[] = [],
): FlavourUpgradePlan | UpgradePlanRefusal {
  const { request, controlPlane } = input;
  const canaryLabel = request.options.canary?.tag ?? found.targetRevision;
  const moveTags = [...new Set([...request.options.moveTags, ...followedTags])];
  const classified = classifyLabelledNamespaces(
    {
      ...input,
      request: { ...request, options: { ...request.options, moveTags } },
    },
    found.targetRevision,
    canaryLabel,
  );
  if (!classified.ok) {
    return classified;
  }
  return {
    ok: true,
    ...found,
    fromVersion: controlPlane.revisions.find(
      r => r.name === request.fromRevision,
    )?.version,
    inPlace: false,
    canaryLabel,
    moves: classified.moves,
    staying: classified.staying,
  };
}
