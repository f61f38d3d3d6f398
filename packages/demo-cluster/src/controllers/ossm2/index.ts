import {
  MAISTRA_MEMBER_OF_LABEL,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, KubeObject, StoreEvent } from '../../apiserver/types';
import {
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBERS,
  SERVICE_MESH_MEMBER_ROLLS,
} from '../../meshCrds';
import { keyOf, listIfServed } from '../common';
import { Reconciler, reconcileQueue } from '../workQueue';
import { controlPlaneController } from './controlPlane';
import { memberController } from './member';
import { memberRollController } from './memberRoll';
import {
  MemberRollSpec,
  MemberSpec,
  OWNER_NAME_LABEL,
  Ossm2Context,
  Ossm2ControllerOptions,
} from './model';

export type { Ossm2ControllerOptions, Ossm2Context } from './model';
export { CHART_VERSIONS, OWNER_NAME_LABEL, cniAttachmentName } from './model';
export { componentsReadyCondition } from './controlPlane';

/**
 * The OpenShift Service Mesh 2 (Maistra) operator, simulated:
 * ServiceMeshControlPlane → istiod, gateways, add-ons and Routes with
 * readiness status; ServiceMeshMemberRoll `default` → member namespaces
 * labelled `maistra.io/member-of`, with configured/pending/terminating
 * members; ServiceMeshMember `default` → membership through the roll.
 * One reconciler per kind, on one queue; the routing below says which
 * changes wake which.
 */
export function startOssm2Controller(
  api: ClusterApi,
  options: Ossm2ControllerOptions = {},
): () => void {
  // Filled below, once the reconcilers have the queue.
  const reconcilers: Record<string, Reconciler> = {};
  const queue = reconcileQueue(reconcilers);
  const ctx: Ossm2Context = {
    api,
    queue,
    options,
    rolls: new Map(),
    memberships: new Map(),
  };
  const { rolls, memberships } = ctx;
  const reconcileControlPlane = (
    options.controlPlaneController ?? controlPlaneController
  )(ctx);
  const reconcileMemberRoll = memberRollController(ctx);
  const reconcileMember = memberController(ctx);
  Object.assign(reconcilers, {
    SMCP: (ns, name) => reconcileControlPlane(ns!, name),
    SMMR: ns => reconcileMemberRoll(ns!),
    SMM: ns => reconcileMember(ns!),
  } satisfies Record<string, Reconciler>);

  const onNamespace = (event: StoreEvent) => {
    const name = event.object.metadata.name!;
    const labelSets = [
      event.object.metadata.labels,
      event.oldObject?.metadata.labels,
    ];
    for (const [cpNamespace, spec] of rolls) {
      const relevant =
        (spec.members ?? []).includes(name) ||
        memberships.get(name) === cpNamespace ||
        labelSets.some(
          labels =>
            labels?.[MAISTRA_MEMBER_OF_LABEL] === cpNamespace ||
            (spec.memberSelectors ?? []).some(selector =>
              matchesLabelSelector(selector, labels),
            ),
        );
      if (relevant) queue.add(`SMMR/${cpNamespace}/default`);
    }
    if (memberships.has(name)) queue.add(`SMM/${name}/default`);
  };

  const onMember = (type: StoreEvent['type'], member: KubeObject) => {
    const ns = member.metadata.namespace!;
    if (member.metadata.name !== 'default') return;
    const previous = memberships.get(ns);
    const cp = (member.spec as MemberSpec)?.controlPlaneRef?.namespace;
    if (type === 'DELETED' || !cp) memberships.delete(ns);
    else memberships.set(ns, cp);
    for (const affected of new Set([previous, cp])) {
      if (affected) queue.add(`SMMR/${affected}/default`);
    }
    queue.add(`SMM/${ns}/default`);
  };

  const unsubscribe = api.subscribe(event => {
    const { group, plural } = event.resource;
    const { namespace, name, labels } = event.object.metadata;
    if (group === 'maistra.io') {
      if (plural === SERVICE_MESH_CONTROL_PLANES.plural) {
        queue.add(`SMCP/${keyOf(namespace, name!)}`);
        for (const [ns, cp] of memberships) {
          if (cp === namespace) queue.add(`SMM/${ns}/default`);
        }
      } else if (
        plural === SERVICE_MESH_MEMBER_ROLLS.plural &&
        name === 'default'
      ) {
        rolls.set(namespace!, (event.object.spec ?? {}) as MemberRollSpec);
        queue.add(`SMMR/${namespace}/default`);
      } else if (plural === SERVICE_MESH_MEMBERS.plural) {
        onMember(event.type, event.object);
      }
    } else if (group === '' && plural === 'namespaces') {
      onNamespace(event);
    } else if (
      group === 'apps' &&
      plural === 'deployments' &&
      labels?.[OWNER_NAME_LABEL]
    ) {
      queue.add(`SMCP/${namespace}/${labels[OWNER_NAME_LABEL]}`);
    }
  });

  for (const smm of listIfServed(api, SERVICE_MESH_MEMBERS)) {
    onMember('ADDED', smm);
  }
  for (const smcp of listIfServed(api, SERVICE_MESH_CONTROL_PLANES)) {
    queue.add(`SMCP/${smcp.metadata.namespace}/${smcp.metadata.name}`);
  }
  for (const roll of listIfServed(api, SERVICE_MESH_MEMBER_ROLLS)) {
    rolls.set(roll.metadata.namespace!, (roll.spec ?? {}) as MemberRollSpec);
    queue.add(`SMMR/${roll.metadata.namespace}/default`);
  }

  return () => {
    unsubscribe();
    queue.stop();
  };
}
