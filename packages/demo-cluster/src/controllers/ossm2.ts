import {
  LabelSelector,
  matchesLabelSelector,
} from '@mesh-backstage/plugin-service-mesh-common';
import { ClusterApi, KubeObject, StoreEvent } from '../apiserver/types';
import {
  NETWORK_ATTACHMENT_DEFINITIONS,
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBERS,
  SERVICE_MESH_MEMBER_ROLLS,
} from '../meshCrds';
import {
  Condition,
  DEPLOYMENTS,
  MANAGED_BY_LABEL,
  NAMESPACES,
  condition,
  deleteIfExists,
  isApiError,
  keyOf,
  ownerReference,
  splitKey,
  upsert,
  writeStatus,
} from './common';
import { WorkQueue } from './workQueue';
import {
  applyControlPlaneRevision,
  deleteControlPlaneRevision,
  istiodName,
} from './istiod';
import {
  Addon,
  applyObservabilityAddons,
  deleteObservabilityAddons,
} from './observability';

export const MEMBER_OF_LABEL = 'maistra.io/member-of';
const OWNER_LABEL = 'maistra.io/owner';
const OWNER_NAME_LABEL = 'maistra.io/owner-name';
const OPERATOR = 'maistra-istio-operator';

/** Chart (and image) versions the simulated operator installs per `spec.version`. */
const CHART_VERSIONS: Record<string, string> = {
  'v2.3': '2.3.11',
  'v2.4': '2.4.13',
  'v2.5': '2.5.2',
  'v2.6': '2.6.5',
};

// The operator never enrols these, whatever a member roll says.
const IGNORED_NAMESPACES = /^(kube-.*|openshift.*|default)$/;

interface SmcpSpec {
  version?: string;
  tracing?: { type?: string };
  gateways?: { enabled?: boolean };
  addons?: {
    kiali?: { enabled?: boolean };
    grafana?: { enabled?: boolean };
    prometheus?: { enabled?: boolean };
  };
}

interface MemberRollSpec {
  members?: string[] | null;
  memberSelectors?: LabelSelector[];
}

interface MemberSpec {
  controlPlaneRef?: { name?: string; namespace?: string };
}

export interface Ossm2ControllerOptions {
  /** Route domain of the simulated OpenShift cluster. */
  domain?: string;
}

function chartVersionOf(smcp: KubeObject): string {
  const version = (smcp.spec as SmcpSpec)?.version ?? 'v2.5';
  return CHART_VERSIONS[version] ?? '2.5.2';
}

function addonsOf(spec: SmcpSpec): Addon[] {
  return [
    ...(spec.addons?.prometheus?.enabled === false
      ? []
      : (['prometheus'] as const)),
    ...(spec.addons?.kiali?.enabled === false ? [] : (['kiali'] as const)),
    ...(spec.addons?.grafana?.enabled === false ? [] : (['grafana'] as const)),
    ...(spec.tracing?.type === 'None' ? [] : (['jaeger'] as const)),
  ];
}

const ALL_ADDONS: Addon[] = ['prometheus', 'kiali', 'grafana', 'jaeger'];

/**
 * The OpenShift Service Mesh 2 (Maistra) operator, simulated:
 * ServiceMeshControlPlane → istiod, gateways, add-ons and Routes with
 * readiness status; ServiceMeshMemberRoll `default` → member namespaces
 * labelled `maistra.io/member-of`, with configured/pending/terminating
 * members; ServiceMeshMember `default` → membership through the roll.
 */
export function startOssm2Controller(
  api: ClusterApi,
  options: Ossm2ControllerOptions = {},
): () => void {
  /** Member roll specs by control-plane namespace, to route namespace events. */
  const rolls = new Map<string, MemberRollSpec>();
  /** Namespace → control-plane namespace its ServiceMeshMember points at. */
  const memberships = new Map<string, string>();

  const queue = new WorkQueue(key => {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const [ns, name] = splitKey(key.slice(slash + 1));
    if (kind === 'SMCP') reconcileControlPlane(ns!, name);
    else if (kind === 'SMMR') reconcileMemberRoll(ns!);
    else if (kind === 'SMM') reconcileMember(ns!);
  });

  // ---- ServiceMeshControlPlane

  const componentNames = (smcp: KubeObject) => {
    const spec = (smcp.spec ?? {}) as SmcpSpec;
    return [
      istiodName(smcp.metadata.name!),
      ...(spec.gateways?.enabled === false
        ? []
        : ['istio-ingressgateway', 'istio-egressgateway']),
      ...addonsOf(spec),
    ].sort();
  };

  function reconcileControlPlane(ns: string, name: string) {
    const smcp = api.get(SERVICE_MESH_CONTROL_PLANES, ns, name);
    queue.add(`SMMR/${ns}/default`);
    if (!smcp) {
      deleteControlPlaneRevision(api, {
        namespace: ns,
        revision: name,
        webhookStyle: 'maistra',
      });
      deleteObservabilityAddons(api, ns, ALL_ADDONS);
      for (const gateway of ['istio-ingressgateway', 'istio-egressgateway']) {
        deleteIfExists(api, DEPLOYMENTS, ns, gateway);
      }
      return;
    }
    const spec = (smcp.spec ?? {}) as SmcpSpec;
    const chart = chartVersionOf(smcp);
    const labels = {
      [OWNER_LABEL]: ns,
      [OWNER_NAME_LABEL]: name,
      'maistra-version': chart,
    };
    const owner = [ownerReference(smcp)];
    applyControlPlaneRevision(api, {
      namespace: ns,
      revision: name,
      version: chart,
      hub: 'registry.redhat.io/openshift-service-mesh',
      pilotImageName: 'pilot-rhel8',
      proxyImageName: 'proxyv2-rhel8',
      webhookStyle: 'maistra',
      injectionPolicy: 'disabled',
      cni: true,
      managedBy: OPERATOR,
      labels,
      ownerReferences: owner,
    });
    if (spec.gateways?.enabled !== false) {
      for (const gateway of ['istio-ingressgateway', 'istio-egressgateway']) {
        upsert(api, DEPLOYMENTS, {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: gateway,
            namespace: ns,
            labels: {
              ...labels,
              app: gateway,
              istio: gateway.replace('istio-', ''),
              [MANAGED_BY_LABEL]: OPERATOR,
            },
            ownerReferences: owner,
          },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: gateway } },
            template: {
              metadata: {
                labels: {
                  app: gateway,
                  istio: gateway.replace('istio-', ''),
                  'sidecar.istio.io/inject': 'false',
                },
              },
              spec: {
                containers: [
                  {
                    name: 'istio-proxy',
                    image: `registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:${chart}`,
                    args: ['proxy', 'router'],
                  },
                ],
              },
            },
          },
        });
      }
    }
    const addons = addonsOf(spec);
    applyObservabilityAddons(api, {
      namespace: ns,
      addons,
      exposure: 'route',
      domain: options.domain,
      redHatImages: true,
      managedBy: OPERATOR,
      labels,
      ownerReferences: owner,
    });
    deleteObservabilityAddons(
      api,
      ns,
      ALL_ADDONS.filter(addon => !addons.includes(addon)),
    );

    const components = componentNames(smcp);
    const ready = components.filter(component => {
      const deployment = api.get(DEPLOYMENTS, ns, component);
      const status = (deployment?.status ?? {}) as { readyReplicas?: number };
      return (status.readyReplicas ?? 0) > 0;
    });
    const unready = components.filter(c => !ready.includes(c));
    const previous = (smcp.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, SERVICE_MESH_CONTROL_PLANES, smcp, {
      observedGeneration: smcp.metadata.generation,
      operatorVersion: `${chart}-1.el8`,
      chartVersion: chart,
      annotations: {
        readyComponentCount: `${ready.length}/${components.length}`,
      },
      conditions: [
        condition(previous.conditions, {
          type: 'Installed',
          status: 'True',
          reason: 'InstallSuccessful',
          message: 'Successfully installed all mesh components',
        }),
        condition(previous.conditions, {
          type: 'Reconciled',
          status: 'True',
          reason: 'InstallSuccessful',
          message: 'Successfully installed all mesh components',
        }),
        condition(
          previous.conditions,
          unready.length === 0
            ? {
                type: 'Ready',
                status: 'True',
                reason: 'ComponentsReady',
                message: 'All component deployments are Available',
              }
            : {
                type: 'Ready',
                status: 'False',
                reason: 'ComponentsNotReady',
                message: `Some components are not fully available: ${unready.join(
                  ', ',
                )}`,
              },
        ),
      ],
      readiness: {
        components: { pending: [], ready, unready },
      },
      appliedSpec: { ...spec, version: spec.version ?? 'v2.5' },
    });
  }

  // ---- ServiceMeshMemberRoll

  const controlPlaneOf = (ns: string) =>
    api.list(SERVICE_MESH_CONTROL_PLANES, { namespace: ns })[0];

  const setMemberLabel = (namespace: KubeObject, value: string | undefined) => {
    const labels = { ...namespace.metadata.labels };
    if (value === undefined) delete labels[MEMBER_OF_LABEL];
    else labels[MEMBER_OF_LABEL] = value;
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

  function reconcileMemberRoll(cpNamespace: string) {
    const roll = api.get(SERVICE_MESH_MEMBER_ROLLS, cpNamespace, 'default');
    const smcp = controlPlaneOf(cpNamespace);
    const chart = smcp ? chartVersionOf(smcp) : undefined;
    const memberSpec = (roll?.spec ?? {}) as MemberRollSpec;
    if (roll) rolls.set(cpNamespace, memberSpec);
    else rolls.delete(cpNamespace);

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
    const members = [...requested]
      .filter(ns => !IGNORED_NAMESPACES.test(ns))
      .sort();

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
      const memberOf = ns?.metadata.labels?.[MEMBER_OF_LABEL];
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

    // Leavers: namespaces still labelled for this mesh but no longer members.
    for (const ns of api.list(NAMESPACES, {
      labelSelector: `${MEMBER_OF_LABEL}=${cpNamespace}`,
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
    for (const ns of memberships.keys()) queue.add(`SMM/${ns}/default`);

    if (!roll) return;
    const previous = (roll.status ?? {}) as { conditions?: Condition[] };
    let ready: Omit<Condition, 'lastTransitionTime'>;
    if (!smcp) {
      ready = {
        type: 'Ready',
        status: 'False',
        reason: 'SMCPMissing',
        message: `No ServiceMeshControlPlane exists in the namespace`,
      };
    } else if (pending.length || terminating.length) {
      ready = {
        type: 'Ready',
        status: 'False',
        reason: 'ReconcileError',
        message: `Could not configure members: ${[
          ...pending,
          ...terminating,
        ].join(', ')}`,
      };
    } else {
      ready = {
        type: 'Ready',
        status: 'True',
        reason: 'Configured',
        message: 'All namespaces have been configured successfully',
      };
    }
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
  }

  // ---- ServiceMeshMember

  function reconcileMember(ns: string) {
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
        MEMBER_OF_LABEL
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
  }

  // ---- Event routing

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
            labels?.[MEMBER_OF_LABEL] === cpNamespace ||
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

  for (const smm of safeList(api, SERVICE_MESH_MEMBERS)) {
    onMember('ADDED', smm);
  }
  for (const smcp of safeList(api, SERVICE_MESH_CONTROL_PLANES)) {
    queue.add(`SMCP/${smcp.metadata.namespace}/${smcp.metadata.name}`);
  }
  for (const roll of safeList(api, SERVICE_MESH_MEMBER_ROLLS)) {
    rolls.set(roll.metadata.namespace!, (roll.spec ?? {}) as MemberRollSpec);
    queue.add(`SMMR/${roll.metadata.namespace}/default`);
  }

  return () => {
    unsubscribe();
    queue.stop();
  };
}

/** OSSM 2 names the CNI attachment after the control-plane minor version. */
export function cniAttachmentName(chart: string): string {
  const [major, minor] = chart.split('.');
  return `v${major}-${minor}-istio-cni`;
}

/** Lists a type that may not be installed yet (its CRD comes later). */
function safeList(api: ClusterApi, ref: { group: string; plural: string }) {
  return api.resource(ref) ? api.list(ref) : [];
}
