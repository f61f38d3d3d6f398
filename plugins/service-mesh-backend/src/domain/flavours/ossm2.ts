import {
  JsonPatchOperation,
  MAISTRA_MEMBER_OF_LABEL,
  matchesLabelSelector,
  MembershipInfo,
  MeshCondition,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  conditionIsTrue,
  Condition,
  Namespace,
  ServiceMeshMember,
  ServiceMeshMemberRoll,
} from '../kube';
import {
  ControlPlaneModel,
  deploymentReady,
  findIstiod,
  hasInjectionWebhook,
  normalizeVersion,
} from '../controlPlane';
import { checkInjectorReady, runGuards } from '../guards';
import {
  createOperation,
  deleteOperation,
  patchOperation,
  resourceVersionTest,
} from '../plans/operations';
import { PlanOutcome, refused } from '../plans/outcome';
import type { ClusterSnapshot } from '../snapshot';
import type { MeshFlavourAdapter } from './types';

export const MEMBER_ROLL_NAME = 'default';
export const MEMBER_NAME = 'default';

export function findMemberRoll(
  snapshot: ClusterSnapshot,
  controlPlaneNamespace: string,
): ServiceMeshMemberRoll | undefined {
  return (snapshot.serviceMeshMemberRolls ?? []).find(
    roll =>
      roll.metadata.namespace === controlPlaneNamespace &&
      roll.metadata.name === MEMBER_ROLL_NAME,
  );
}

export function findMember(
  snapshot: ClusterSnapshot,
  namespace: string,
  controlPlaneNamespace: string,
): ServiceMeshMember | undefined {
  return (snapshot.serviceMeshMembers ?? []).find(
    member =>
      member.metadata.namespace === namespace &&
      member.metadata.name === MEMBER_NAME &&
      member.spec.controlPlaneRef.namespace === controlPlaneNamespace,
  );
}

function toMeshConditions(conditions: Condition[] | undefined) {
  return conditions?.map(
    (c): MeshCondition => ({
      type: c.type,
      status: (['True', 'False'].includes(c.status)
        ? c.status
        : 'Unknown') as MeshCondition['status'],
      reason: c.reason,
      message: c.message,
    }),
  );
}

/** How a namespace relates to an OSSM 2 control plane's member roll. */
export function ossm2Membership(
  controlPlane: ControlPlaneModel,
  namespace: Namespace,
  snapshot: ClusterSnapshot,
): MembershipInfo {
  const name = namespace.metadata.name;
  const labels = namespace.metadata.labels ?? {};
  const roll = findMemberRoll(snapshot, controlPlane.namespace);
  const member = findMember(snapshot, name, controlPlane.namespace);
  const listed = (roll?.spec?.members ?? []).includes(name);
  const selected = (roll?.spec?.memberSelectors ?? []).some(selector =>
    matchesLabelSelector(selector, labels),
  );
  const configured =
    (roll?.status?.configuredMembers ?? []).includes(name) ||
    labels[MAISTRA_MEMBER_OF_LABEL] === controlPlane.namespace;
  let via: MembershipInfo['via'];
  if (member) {
    via = 'member';
  } else if (listed) {
    via = 'memberRoll';
  } else if (selected) {
    via = 'memberSelector';
  } else if (configured) {
    via = 'memberRoll';
  }
  const requested = Boolean(member) || listed || selected;
  const conditions = toMeshConditions(
    roll?.status?.memberStatuses?.find(s => s.namespace === name)?.conditions ??
      member?.status?.conditions,
  );
  return {
    member: configured,
    via,
    pending:
      (requested && !configured) ||
      (roll?.status?.pendingMembers ?? []).includes(name) ||
      undefined,
    conditions,
  };
}

/**
 * Adds a namespace to `spec.members` with a `test` of the list as it was,
 * so concurrent editors cannot lose each other's additions: the loser's
 * patch fails and is re-planned. `members` is nullable in the CRD (the
 * sample ships it empty), hence the separate null case.
 */
function addMemberPatch(
  roll: ServiceMeshMemberRoll,
  namespace: string,
): JsonPatchOperation[] {
  const members = roll.spec?.members;
  if (Array.isArray(members)) {
    return [
      { op: 'test', path: '/spec/members', value: members },
      { op: 'add', path: '/spec/members/-', value: namespace },
    ];
  }
  if (roll.spec && members === null) {
    return [
      { op: 'test', path: '/spec/members', value: null },
      { op: 'replace', path: '/spec/members', value: [namespace] },
    ];
  }
  // Absence cannot be tested in JSON Patch, so guard on resourceVersion.
  if (roll.spec) {
    return [
      ...resourceVersionTest(roll),
      { op: 'add', path: '/spec/members', value: [namespace] },
    ];
  }
  return [
    ...resourceVersionTest(roll),
    { op: 'add', path: '/spec', value: { members: [namespace] } },
  ];
}

/** Removes every occurrence, each guarded by a `test` of the element, last first. */
function removeMemberPatch(
  roll: ServiceMeshMemberRoll,
  namespace: string,
): JsonPatchOperation[] {
  const members = roll.spec?.members ?? [];
  return members
    .map((member, index) => ({ member, index }))
    .filter(({ member }) => member === namespace)
    .reverse()
    .flatMap(({ index }): JsonPatchOperation[] => [
      { op: 'test', path: `/spec/members/${index}`, value: namespace },
      { op: 'remove', path: `/spec/members/${index}` },
    ]);
}

/**
 * OpenShift Service Mesh 2 (Maistra): one `ServiceMeshControlPlane` per
 * control-plane namespace, whose name is its revision; membership by the
 * member roll or a `ServiceMeshMember`; injection opted into per workload.
 */
export const ossm2Flavour: MeshFlavourAdapter = {
  flavour: 'ossm2',

  detect(snapshot: ClusterSnapshot): ControlPlaneModel[] {
    return (snapshot.serviceMeshControlPlanes ?? []).map(smcp => {
      const namespace = smcp.metadata.namespace!;
      const revision = smcp.metadata.name;
      const istiod = findIstiod(snapshot, namespace, revision);
      const ready =
        conditionIsTrue(smcp.status?.conditions, 'Ready') ??
        deploymentReady(istiod);
      return {
        flavour: 'ossm2' as const,
        namespace,
        name: smcp.metadata.name,
        revisions: [
          {
            name: revision,
            version: normalizeVersion(
              smcp.status?.chartVersion ?? smcp.spec?.version,
            ),
            ready,
            injectorReady: istiod ? deploymentReady(istiod) : ready,
            webhookPresent: hasInjectionWebhook(snapshot, revision),
            istiodDeployment: istiod?.metadata.name,
          },
        ],
        tags: [],
        defaultRevision: revision,
        activeRevision: revision,
      };
    });
  },

  membership: ossm2Membership,

  planEnroll(input): PlanOutcome {
    const { snapshot, controlPlane, namespace } = input;
    const name = namespace.metadata.name;
    const membership = ossm2Membership(controlPlane, namespace, snapshot);
    if (membership.member || membership.via) {
      return { ok: true, change: { operations: [] }, forced: [] };
    }
    const guards = runGuards(
      [
        () =>
          checkInjectorReady([controlPlane], controlPlane.revisions[0].name),
      ],
      input.force,
    );
    if (!guards.ok) {
      return guards;
    }
    if (input.enrollment === 'member') {
      const member: ServiceMeshMember = {
        apiVersion: 'maistra.io/v1',
        kind: 'ServiceMeshMember',
        metadata: { name: MEMBER_NAME, namespace: name },
        spec: {
          controlPlaneRef: {
            name: controlPlane.name!,
            namespace: controlPlane.namespace,
          },
        },
      };
      return {
        ok: true,
        change: {
          operations: [
            createOperation(
              member,
              `Create ServiceMeshMember default in ${name}, joining control plane ${controlPlane.name} in ${controlPlane.namespace}`,
            ),
          ],
        },
        forced: guards.forced,
      };
    }
    const roll = findMemberRoll(snapshot, controlPlane.namespace);
    const summary = `Add ${name} to the members of ServiceMeshMemberRoll default in ${controlPlane.namespace}`;
    const operation = roll
      ? patchOperation(roll, addMemberPatch(roll, name), summary)
      : createOperation(
          {
            apiVersion: 'maistra.io/v1',
            kind: 'ServiceMeshMemberRoll',
            metadata: {
              name: MEMBER_ROLL_NAME,
              namespace: controlPlane.namespace,
            },
            spec: { members: [name] },
          } as ServiceMeshMemberRoll,
          summary,
        );
    return {
      ok: true,
      change: { operations: [operation] },
      forced: guards.forced,
    };
  },

  planUnenroll(input): PlanOutcome {
    const { snapshot, controlPlane, namespace } = input;
    const name = namespace.metadata.name;
    const roll = findMemberRoll(snapshot, controlPlane.namespace);
    const member = findMember(snapshot, name, controlPlane.namespace);
    const listed = (roll?.spec?.members ?? []).includes(name);
    const selected = (roll?.spec?.memberSelectors ?? []).some(selector =>
      matchesLabelSelector(selector, namespace.metadata.labels),
    );
    if (selected) {
      return refused(
        'conflict',
        'SM-UNENROLL-MEMBER-SELECTOR',
        `${name} is selected by the memberSelectors of ServiceMeshMemberRoll default in ${controlPlane.namespace}; change the namespace's labels or the selector instead`,
      );
    }
    const operations = [];
    if (roll && listed) {
      operations.push(
        patchOperation(
          roll,
          removeMemberPatch(roll, name),
          `Remove ${name} from the members of ServiceMeshMemberRoll default in ${controlPlane.namespace}`,
        ),
      );
    }
    if (member) {
      operations.push(
        deleteOperation(member, `Delete ServiceMeshMember default in ${name}`),
      );
    }
    return { ok: true, change: { operations }, forced: [] };
  },
};
