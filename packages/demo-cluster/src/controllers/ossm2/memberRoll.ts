import {
  MAISTRA_MEMBER_OF_LABEL,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject } from '../../apiserver/types';
import {
  NETWORK_ATTACHMENT_DEFINITIONS,
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBER_ROLLS,
} from '../../meshCrds';
import {
  Condition,
  MANAGED_BY_LABEL,
  NAMESPACES,
  condition,
  deleteIfExists,
  upsert,
  writeStatus,
} from '../common';
import {
  CHART_VERSIONS,
  MemberRollSpec,
  OPERATOR,
  Ossm2Context,
  chartVersionOf,
  cniAttachmentName,
} from './model';

// The operator never enrols these, whatever a member roll says.
const IGNORED_NAMESPACES = /^(kube-.*|openshift.*|default)$/;

/**
 * ServiceMeshMemberRoll `default` → its members (listed, selected by label,
 * or asking through a ServiceMeshMember) labelled `maistra.io/member-of`
 * with a CNI attachment; leavers unlabelled; configured, pending and
 * terminating members in the status.
 */
export function memberRollController(ctx: Ossm2Context) {
  const { api, queue, rolls, memberships } = ctx;

  const controlPlaneOf = (ns: string) =>
    api.list(SERVICE_MESH_CONTROL_PLANES, { namespace: ns })[0];

  const setMemberLabel = (namespace: KubeObject, value: string | undefined) => {
    const labels = { ...namespace.metadata.labels };
    if (value === undefined) delete labels[MAISTRA_MEMBER_OF_LABEL];
    else labels[MAISTRA_MEMBER_OF_LABEL] = value;
    api.update(NAMESPACES, {
      ...namespace,
      metadata: { ...namespace.metadata, labels },
    });
  };

  const cniAttachment = (namespace: string, chart: string) => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: {
      name: cniAttachmentName(chart),
      namespace,
      labels: { [MANAGED_BY_LABEL]: OPERATOR },
    },
    spec: { config: '' },
  });

  /** Listed, selected by label, or asking through a ServiceMeshMember. */
  const requestedMembers = (
    roll: KubeObject | undefined,
    memberSpec: MemberRollSpec,
    cpNamespace: string,
  ): string[] => {
    const requested = new Set<string>(roll ? memberSpec.members ?? [] : []);
    if (roll && memberSpec.memberSelectors?.length) {
      for (const ns of api.list(NAMESPACES)) {
        if (
          memberSpec.memberSelectors.some(selector =>
            matchesLabelSelector(selector, ns.metadata.labels),
          )
        ) {
          requested.add(ns.metadata.name!);
        }
      }
    }
    if (roll) {
      for (const [ns, cp] of memberships) {
        if (cp === cpNamespace) requested.add(ns);
      }
    }
    requested.delete(cpNamespace);
    return [...requested].filter(ns => !IGNORED_NAMESPACES.test(ns)).sort();
  };

  /** Unlabels namespaces still labelled for this mesh but no longer members. */
  const removeLeavers = (cpNamespace: string, configured: string[]) => {
    for (const ns of api.list(NAMESPACES, {
      labelSelector: `${MAISTRA_MEMBER_OF_LABEL}=${cpNamespace}`,
    })) {
      const name = ns.metadata.name!;
      if (configured.includes(name)) continue;
      setMemberLabel(ns, undefined);
      for (const version of Object.values(CHART_VERSIONS)) {
        if (!api.resource(NETWORK_ATTACHMENT_DEFINITIONS)) break;
        deleteIfExists(
          api,
          NETWORK_ATTACHMENT_DEFINITIONS,
          name,
          cniAttachmentName(version),
        );
      }
    }
  };

  return function reconcileMemberRoll(cpNamespace: string) {
    const roll = api.get(SERVICE_MESH_MEMBER_ROLLS, cpNamespace, 'default');
    const smcp = controlPlaneOf(cpNamespace);
    const chart = smcp ? chartVersionOf(smcp) : undefined;
    const memberSpec = (roll?.spec ?? {}) as MemberRollSpec;
    if (roll) rolls.set(cpNamespace, memberSpec);
    else rolls.delete(cpNamespace);

    const members = requestedMembers(roll, memberSpec, cpNamespace);

    const configured: string[] = [];
    const pending: string[] = [];
    const terminating: string[] = [];
    const memberStatuses: Array<{
      namespace: string;
      conditions: Condition[];
    }> = [];
    const previousStatuses = new Map(
      (
        (roll?.status ?? {}) as {
          memberStatuses?: Array<{
            namespace: string;
            conditions: Condition[];
          }>;
        }
      ).memberStatuses?.map(s => [s.namespace, s.conditions]) ?? [],
    );
    const reconciled = (
      ns: string,
      ok: boolean,
      reason: string,
      message?: string,
    ) =>
      memberStatuses.push({
        namespace: ns,
        conditions: [
          condition(previousStatuses.get(ns), {
            type: 'Reconciled',
            status: ok ? 'True' : 'False',
            reason,
            ...(message ? { message } : {}),
          }),
        ],
      });

    for (const member of members) {
      const ns = api.get(NAMESPACES, undefined, member);
      const memberOf = ns?.metadata.labels?.[MAISTRA_MEMBER_OF_LABEL];
      if (!ns) {
        pending.push(member);
        reconciled(
          member,
          false,
          'NamespaceNotExists',
          `namespace "${member}" does not exist`,
        );
      } else if (ns.metadata.deletionTimestamp) {
        terminating.push(member);
        reconciled(
          member,
          false,
          'NamespaceTerminating',
          'namespace is being deleted',
        );
      } else if (memberOf && memberOf !== cpNamespace) {
        pending.push(member);
        reconciled(
          member,
          false,
          'ErrMultipleMemberRolls',
          `namespace "${member}" is already a member of the mesh in namespace "${memberOf}"`,
        );
      } else if (!smcp || !chart) {
        pending.push(member);
        reconciled(
          member,
          false,
          'SMCPMissing',
          `no ServiceMeshControlPlane exists in namespace "${cpNamespace}"`,
        );
      } else {
        if (memberOf !== cpNamespace) setMemberLabel(ns, cpNamespace);
        if (api.resource(NETWORK_ATTACHMENT_DEFINITIONS)) {
          upsert(
            api,
            NETWORK_ATTACHMENT_DEFINITIONS,
            cniAttachment(member, chart),
          );
        }
        configured.push(member);
        reconciled(member, true, 'Reconciled');
      }
    }

    removeLeavers(cpNamespace, configured);
    for (const ns of memberships.keys()) queue.add(`SMM/${ns}/default`);

    if (!roll) return;
    const previous = (roll.status ?? {}) as { conditions?: Condition[] };
    const ready = rollReady(!!smcp, [...pending, ...terminating]);
    writeStatus(api, SERVICE_MESH_MEMBER_ROLLS, roll, {
      observedGeneration: roll.metadata.generation,
      ...(smcp
        ? {
            meshGeneration: smcp.metadata.generation,
            meshReconciledVersion: `${chart}-1`,
          }
        : {}),
      annotations: {
        configuredMemberCount: `${configured.length}/${members.length}`,
      },
      members,
      configuredMembers: configured,
      pendingMembers: pending,
      terminatingMembers: terminating,
      memberStatuses,
      conditions: [condition(previous.conditions, ready)],
    });
  };
}

/** The roll's Ready condition: a control plane, and every member configured. */
function rollReady(
  hasControlPlane: boolean,
  unconfigured: string[],
): Omit<Condition, 'lastTransitionTime'> {
  if (!hasControlPlane) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'SMCPMissing',
      message: `No ServiceMeshControlPlane exists in the namespace`,
    };
  }
  if (unconfigured.length) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'ReconcileError',
      message: `Could not configure members: ${unconfigured.join(', ')}`,
    };
  }
  return {
    type: 'Ready',
    status: 'True',
    reason: 'Configured',
    message: 'All namespaces have been configured successfully',
  };
}
