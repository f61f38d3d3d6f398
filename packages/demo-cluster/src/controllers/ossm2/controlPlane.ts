import { SERVICE_MESH_CONTROL_PLANES } from '../../meshCrds';
import { KubeObject } from '../../apiserver/types';
import {
  Condition,
  DEPLOYMENTS,
  EventRecorder,
  MANAGED_BY_LABEL,
  condition,
  deleteIfExists,
  ownerReference,
  upsert,
  writeStatus,
} from '../common';
import {
  ControlPlaneRevision,
  applyControlPlaneRevision,
  deleteControlPlaneRevision,
  istiodName,
  proxyImageOf,
} from '../istiod';
import {
  applyObservabilityAddons,
  deleteObservabilityAddons,
} from '../observability';
import { queueKey } from '../workQueue';
import {
  ALL_ADDONS,
  OPERATOR,
  OWNER_LABEL,
  OWNER_NAME_LABEL,
  Ossm2Context,
  SmcpSpec,
  addonsOf,
  chartVersionOf,
} from './model';

const GATEWAYS = ['istio-ingressgateway', 'istio-egressgateway'];

/** The Deployments whose readiness makes the control plane Ready. */
function componentNames(smcp: KubeObject): string[] {
  const spec = (smcp.spec ?? {}) as SmcpSpec;
  return [
    istiodName(smcp.metadata.name!),
    ...(spec.gateways?.enabled === false ? [] : GATEWAYS),
    ...addonsOf(spec),
  ].sort();
}

/**
 * Whether a component's Deployment has rolled out: its latest template is
 * observed, every replica runs it, and they are ready (none left over from
 * the previous template). A Deployment scaled to zero is not ready.
 */
function rolledOut(deployment: KubeObject | undefined): boolean {
  if (!deployment) return false;
  const wanted = (deployment.spec as { replicas?: number })?.replicas ?? 1;
  const status = (deployment.status ?? {}) as {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
  };
  const ready = status.readyReplicas ?? 0;
  return (
    ready > 0 &&
    status.observedGeneration === deployment.metadata.generation &&
    status.updatedReplicas === wanted &&
    status.replicas === wanted &&
    ready >= wanted
  );
}

/** What the operator last finished installing, as its status records it. */
interface ControlPlaneStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  chartVersion?: string;
  operatorVersion?: string;
  appliedSpec?: SmcpSpec;
}

/**
 * The istiod revision an SMCP installs: named after the SMCP, Red Hat
 * images of its chart version, Maistra's member-of webhook and opt-in
 * injection.
 */
function controlPlaneRevision(
  smcp: KubeObject,
  labels: Record<string, string>,
): ControlPlaneRevision {
  return {
    namespace: smcp.metadata.namespace!,
    revision: smcp.metadata.name!,
    version: chartVersionOf(smcp),
    hub: 'registry.redhat.io/openshift-service-mesh',
    pilotImageName: 'pilot-rhel8',
    proxyImageName: 'proxyv2-rhel8',
    webhookStyle: 'maistra',
    injectionPolicy: 'disabled',
    cni: true,
    managedBy: OPERATOR,
    labels,
    ownerReferences: [ownerReference(smcp)],
  };
}

/**
 * ServiceMeshControlPlane → istiod, the ingress and egress gateways, the
 * add-ons with their Routes, and a status counting ready components. A
 * changed spec (a new `spec.version`, say) rolls the components in place:
 * the update is Reconciled only once every component has rolled out, and
 * until then the status keeps the versions it had (`chartVersion`,
 * `observedGeneration`), as the operator's does. A deleted SMCP takes its
 * components away.
 */
export function controlPlaneController(ctx: Ossm2Context) {
  const { api, queue, options } = ctx;
  const events = new EventRecorder(api, 'servicemeshcontrolplane-controller');

  const applyGateways = (revision: ControlPlaneRevision) => {
    const owner = revision.ownerReferences;
    for (const gateway of GATEWAYS) {
      upsert(api, DEPLOYMENTS, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: gateway,
          namespace: revision.namespace,
          labels: {
            ...revision.labels,
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
                  image: proxyImageOf(revision),
                  args: ['proxy', 'router'],
                },
              ],
            },
          },
        },
      });
    }
  };

  const removeControlPlane = (ns: string, name: string) => {
    deleteControlPlaneRevision(api, {
      namespace: ns,
      revision: name,
      webhookStyle: 'maistra',
    });
    deleteObservabilityAddons(api, ns, ALL_ADDONS);
    for (const gateway of GATEWAYS) {
      deleteIfExists(api, DEPLOYMENTS, ns, gateway);
    }
  };

  return function reconcileControlPlane(ns: string, name: string) {
    const smcp = api.get(SERVICE_MESH_CONTROL_PLANES, ns, name);
    queue.add(queueKey('SMMR', ns, 'default'));
    if (!smcp) {
      removeControlPlane(ns, name);
      return;
    }
    const spec = (smcp.spec ?? {}) as SmcpSpec;
    const chart = chartVersionOf(smcp);
    const labels = {
      [OWNER_LABEL]: ns,
      [OWNER_NAME_LABEL]: name,
      'maistra-version': chart,
    };
    const revision = controlPlaneRevision(smcp, labels);
    applyControlPlaneRevision(api, revision);
    if (spec.gateways?.enabled !== false) applyGateways(revision);
    const addons = addonsOf(spec);
    applyObservabilityAddons(api, {
      namespace: ns,
      addons,
      exposure: 'route',
      domain: options.domain,
      redHatImages: true,
      managedBy: OPERATOR,
      labels,
      ownerReferences: revision.ownerReferences,
    });
    deleteObservabilityAddons(
      api,
      ns,
      ALL_ADDONS.filter(addon => !addons.includes(addon)),
    );

    const components = componentNames(smcp);
    const ready = components.filter(component =>
      rolledOut(api.get(DEPLOYMENTS, ns, component)),
    );
    const unready = components.filter(c => !ready.includes(c));
    const previous = (smcp.status ?? {}) as ControlPlaneStatus;
    const generation = smcp.metadata.generation;
    const updating =
      previous.observedGeneration !== undefined &&
      previous.observedGeneration !== generation;
    const paused = updating && unready.length > 0;
    const reconciled = reconciledCondition(previous, chart, unready, updating);
    const wasPaused =
      previous.conditions?.find(c => c.type === 'Reconciled')?.status ===
      'False';
    if (updating && !paused) {
      events.record(smcp, 'Normal', 'Updated', reconciled.message!);
    } else if (paused && !wasPaused) {
      events.record(
        smcp,
        'Normal',
        'Updating',
        `Updating mesh from generation ${previous.observedGeneration} to generation ${generation}`,
      );
    }
    writeStatus(api, SERVICE_MESH_CONTROL_PLANES, smcp, {
      observedGeneration: paused ? previous.observedGeneration : generation,
      operatorVersion: paused ? previous.operatorVersion : `${chart}-1.el8`,
      chartVersion: paused ? previous.chartVersion : chart,
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
        condition(previous.conditions, reconciled),
        condition(previous.conditions, componentsReadyCondition(unready)),
      ],
      readiness: {
        components: { pending: [], ready, unready },
      },
      appliedSpec: paused
        ? previous.appliedSpec
        : { ...spec, version: spec.version ?? 'v2.5' },
    });
  };
}

/** The SMCP's Ready condition, from the components not yet available. */
export function componentsReadyCondition(
  unready: string[],
): Omit<Condition, 'lastTransitionTime'> {
  return unready.length === 0
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
      };
}

/**
 * The Reconciled condition: installed at once; an update paused until
 * every component has rolled out, then successful.
 */
function reconciledCondition(
  previous: ControlPlaneStatus,
  chart: string,
  unready: string[],
  updating: boolean,
): Omit<Condition, 'lastTransitionTime'> {
  const last = previous.conditions?.find(c => c.type === 'Reconciled');
  if (!updating) {
    // A finished update stays reported as such.
    if (last?.status === 'True') return last;
    return {
      type: 'Reconciled',
      status: 'True',
      reason: 'InstallSuccessful',
      message: 'Successfully installed all mesh components',
    };
  }
  if (unready.length > 0) {
    return {
      type: 'Reconciled',
      status: 'False',
      reason: 'PausingUpdate',
      message: `Paused until ${unready[0]} becomes ready`,
    };
  }
  return {
    type: 'Reconciled',
    status: 'True',
    reason: 'UpdateSuccessful',
    message: `Successfully updated from version ${
      previous.chartVersion ?? chart
    } to version ${chart}`,
  };
}
