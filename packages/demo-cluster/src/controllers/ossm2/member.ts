import { MAISTRA_MEMBER_OF_LABEL } from '@mesh-backstage/plugin-service-mesh-common';
import {
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBERS,
  SERVICE_MESH_MEMBER_ROLLS,
} from '../../meshCrds';
import {
  Condition,
  NAMESPACES,
  condition,
  isApiError,
  writeStatus,
} from '../common';
import { MemberSpec, Ossm2Context, chartVersionOf } from './model';

/**
 * ServiceMeshMember `default` → membership of its namespace through the
 * control plane's member roll (created when missing), Ready once the roll
 * has labelled the namespace.
 */
export function memberController(ctx: Ossm2Context) {
  const { api, queue, memberships } = ctx;

  return function reconcileMember(ns: string) {
    const member = api.get(SERVICE_MESH_MEMBERS, ns, 'default');
    if (!member) {
      const cp = memberships.get(ns);
      memberships.delete(ns);
      if (cp) queue.add(`SMMR/${cp}/default`);
      return;
    }
    const ref = (member.spec as MemberSpec)?.controlPlaneRef ?? {};
    const previous = (member.status ?? {}) as { conditions?: Condition[] };
    const smcp =
      ref.namespace && ref.name
        ? api.get(SERVICE_MESH_CONTROL_PLANES, ref.namespace, ref.name)
        : undefined;
    let reconciled: Omit<Condition, 'lastTransitionTime'>;
    let ready: Omit<Condition, 'lastTransitionTime'>;
    if (!smcp) {
      reconciled = {
        type: 'Reconciled',
        status: 'False',
        reason: 'SMCPMissing',
        message: `ServiceMeshControlPlane "${ref.namespace}/${ref.name}" does not exist`,
      };
      ready = { ...reconciled, type: 'Ready' };
    } else {
      // The operator creates the member roll when a member needs one.
      if (!api.get(SERVICE_MESH_MEMBER_ROLLS, ref.namespace, 'default')) {
        try {
          api.create(SERVICE_MESH_MEMBER_ROLLS, {
            apiVersion: 'maistra.io/v1',
            kind: 'ServiceMeshMemberRoll',
            metadata: { name: 'default', namespace: ref.namespace },
            spec: { members: [] },
          });
        } catch (error) {
          if (!isApiError(error, 409)) throw error;
        }
      }
      const memberOf = api.get(NAMESPACES, undefined, ns)?.metadata.labels?.[
        MAISTRA_MEMBER_OF_LABEL
      ];
      reconciled = {
        type: 'Reconciled',
        status: 'True',
        reason: 'Reconciled',
        message: 'The namespace has been added to the ServiceMeshMemberRoll',
      };
      ready =
        memberOf === ref.namespace
          ? {
              type: 'Ready',
              status: 'True',
              reason: 'Configured',
              message: 'The namespace is a member of the mesh',
            }
          : {
              type: 'Ready',
              status: 'False',
              reason: memberOf
                ? 'ErrMultipleMemberRolls'
                : 'MemberNotConfigured',
              message: memberOf
                ? `The namespace is already a member of the mesh in namespace "${memberOf}"`
                : 'The namespace has not been configured yet',
            };
    }
    writeStatus(api, SERVICE_MESH_MEMBERS, member, {
      observedGeneration: member.metadata.generation ?? 1,
      ...(smcp
        ? {
            meshGeneration: smcp.metadata.generation,
            meshReconciledVersion: `${chartVersionOf(smcp)}-1`,
          }
        : {}),
      annotations: {
        controlPlaneRef: `${ref.namespace}/${ref.name}`,
      },
      conditions: [
        condition(previous.conditions, reconciled),
        condition(previous.conditions, ready),
      ],
    });
  };
}
