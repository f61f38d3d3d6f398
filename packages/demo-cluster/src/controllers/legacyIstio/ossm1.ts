import { MAISTRA_MEMBER_OF_LABEL } from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject } from '../../apiserver/types';
import { SERVICE_MESH_CONTROL_PLANES } from '../../meshCrds';
import {
  DEPLOYMENTS,
  EventRecorder,
  condition,
  ownerReference,
  writeStatus,
} from '../common';
import { Addon, applyObservabilityAddons } from '../observability';
import {
  CHART_VERSIONS,
  OWNER_NAME_LABEL,
  Ossm2Context,
  componentsReadyCondition,
} from '../ossm2';
import { applyLegacyControlPlane } from './controlPlane';
import { LEGACY_COMPONENTS, LegacyControlPlane } from './model';

/** The parts of a `maistra.io/v1` SMCP's `spec.istio` values the operator reads here. */
export interface SmcpV1Spec {
  version?: string;
  istio?: {
    global?: { hub?: string; tag?: string };
    kiali?: { enabled?: boolean };
    grafana?: { enabled?: boolean };
    prometheus?: { enabled?: boolean };
    tracing?: { enabled?: boolean };
  };
}

const OSSM1_OPERATOR = 'maistra-istio-operator';

// Build and deployer pods are never injected, as OSSM 1.x configured it.
const NEVER_INJECT = [
  {
    matchExpressions: [
      { key: 'openshift.io/build.name', operator: 'Exists' as const },
    ],
  },
  {
    matchExpressions: [
      {
        key: 'openshift.io/deployer-pod-for.name',
        operator: 'Exists' as const,
      },
    ],
  },
];

/** What the OSSM 1.x operator lays out for one v1 SMCP. */
export function ossm1ControlPlane(
  namespace: string,
  name: string,
  spec: SmcpV1Spec,
): LegacyControlPlane {
  const version =
    spec.istio?.global?.tag ??
    CHART_VERSIONS[spec.version ?? 'v1.1'] ??
    '1.1.18';
  return {
    namespace,
    version,
    hub: spec.istio?.global?.hub ?? 'registry.redhat.io/openshift-service-mesh',
    imageStyle: 'ossm1',
    webhookName: `istio-sidecar-injector-${namespace}`,
    failurePolicy: 'Fail',
    namespaceSelector: {
      matchLabels: { [MAISTRA_MEMBER_OF_LABEL]: namespace },
    },
    injectionPolicy: 'disabled',
    injectSelectors: { always: [], never: NEVER_INJECT },
    managedBy: OSSM1_OPERATOR,
    labels: {
      'maistra.io/owner': namespace,
      [OWNER_NAME_LABEL]: name,
      'maistra-version': version,
    },
  };
}

function addonsOf(spec: SmcpV1Spec): Addon[] {
  const values = spec.istio ?? {};
  return [
    ...(values.prometheus?.enabled === false ? [] : (['prometheus'] as const)),
    ...(values.kiali?.enabled === false ? [] : (['kiali'] as const)),
    ...(values.grafana?.enabled === false ? [] : (['grafana'] as const)),
    ...(values.tracing?.enabled === false ? [] : (['jaeger'] as const)),
  ];
}

const available = (deployment: KubeObject | undefined) =>
  ((deployment?.status as { availableReplicas?: number } | undefined)
    ?.availableReplicas ?? 0) > 0;

/**
 * The OSSM 1.x operator's SMCP reconciler, in place of OSSM 2's: a
 * `maistra.io/v1` SMCP with `spec.istio` values becomes the pre-istiod
 * layout (istio-pilot, istio-sidecar-injector, ...) with a webhook on the
 * member namespaces, `policy: disabled`, and the add-ons behind Routes;
 * the status counts the ready components. The member roll and member
 * reconcilers are OSSM 2's, which behave the same.
 */
export function ossm1ControlPlaneController(ctx: Ossm2Context) {
  const { api } = ctx;
  const events = new EventRecorder(api, 'servicemeshcontrolplane-controller');

  return function reconcileControlPlaneV1(ns: string, name: string) {
    const smcp = api.get(SERVICE_MESH_CONTROL_PLANES, ns, name);
    if (!smcp || smcp.metadata.deletionTimestamp) return;
    const spec = (smcp.spec ?? {}) as SmcpV1Spec;
    const controlPlane = {
      ...ossm1ControlPlane(ns, name, spec),
      ownerReferences: [ownerReference(smcp)],
    };
    const previous = (smcp.status ?? {}) as {
      conditions?: Parameters<typeof condition>[0];
      observedGeneration?: number;
    };
    if (previous.observedGeneration === undefined) {
      events.record(
        smcp,
        'Normal',
        'Installing',
        'Installing mesh generation 1',
      );
    }
    applyLegacyControlPlane(api, controlPlane);
    applyObservabilityAddons(api, {
      namespace: ns,
      addons: addonsOf(spec),
      exposure: 'route',
      redHatImages: true,
      managedBy: OSSM1_OPERATOR,
      labels: controlPlane.labels,
      ownerReferences: controlPlane.ownerReferences,
    });
    const components = LEGACY_COMPONENTS.map(c => c.name);
    const ready = components.filter(c =>
      available(api.get(DEPLOYMENTS, ns, c)),
    );
    const unready = components.filter(c => !ready.includes(c));
    writeStatus(api, SERVICE_MESH_CONTROL_PLANES, smcp, {
      observedGeneration: smcp.metadata.generation,
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
        condition(previous.conditions, componentsReadyCondition(unready)),
      ],
      readiness: { components: { pending: [], ready, unready } },
    });
  };
}
