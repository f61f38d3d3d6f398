import { ClusterApi, KubeObject } from '../apiserver/types';
import {
  CRASH_LOOP_ANNOTATION,
  DEPLOYMENTS,
  PODS,
  SERVICES,
  clusterIpFor,
  ensureNamespace,
  upsert,
} from '../controllers/common';
import { InjectorFaults } from '../controllers/injection';
import { WorkloadFaults, isPodReady } from '../controllers/workloads';
import { SIDECARS } from '../meshCrds';
import { waitFor } from '../waitFor';

/** What every scenario's setup accepts. */
export interface ScenarioOptions {
  /** The cluster's `Faults`: unreachable injectors and broken workloads. */
  faults?: InjectorFaults & WorkloadFaults;
  /** How long pods take to become Ready; default 1500 ms (tests use 0). */
  readyDelayMs?: number;
  /** `scale` only: how many namespaces, default 500. */
  namespaces?: number;
  /** `scale` only: pods per namespace, default 20. */
  podsPerNamespace?: number;
  /**
   * `scale` only: install revisions 1-23-1 and 1-24-3 with the tags of
   * `istio-revisions` and put every namespace on 1-23-1 (even ones through
   * the `prod-stable` tag, odd ones by name), so that all can be upgraded.
   */
  canaryRevisions?: boolean;
  /**
   * `sail` only: the Istio's `inactiveRevisionDeletionGracePeriodSeconds`,
   * how long an unused old revision stays; default 30, as the operator's.
   */
  revisionGracePeriodSeconds?: number;
}

/** A catalog component and the namespace its workloads run in. */
export interface ScenarioComponent {
  /** The `backstage.io/kubernetes-id` label value on its workloads. */
  component: string;
  namespace: string;
  /** What the namespace shows, for demo narration. */
  note: string;
}

export interface Scenario {
  description: string;
  /** The catalog components this scenario's workloads are labelled for. */
  components: ScenarioComponent[];
  /** Starts the scenario's controllers and creates its objects; resolves to stop. */
  setup(api: ClusterApi, options?: ScenarioOptions): Promise<() => void>;
}

export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

export interface WorkloadDef {
  name: string;
  app: string;
  /** Omitted on purpose for the "workload without version label" warning. */
  version?: string;
  replicas?: number;
  image: string;
  containerPort?: number;
  /** Pod-template annotations, e.g. `sidecar.istio.io/inject`. */
  podAnnotations?: Record<string, string>;
  podLabels?: Record<string, string>;
  crashLoop?: boolean;
}

export interface ServiceDef {
  name: string;
  app: string;
  port: number;
  targetPort?: number;
  /** Protocol-prefixed port name; `null` leaves the port unnamed. */
  portName: string | null;
}

export interface AppDef {
  namespace: string;
  namespaceLabels?: Record<string, string>;
  component: string;
  workloads: WorkloadDef[];
  services?: ServiceDef[];
}

export function deployment(
  namespace: string,
  component: string,
  workload: WorkloadDef,
): KubeObject {
  const labels = {
    app: workload.app,
    ...(workload.version ? { version: workload.version } : {}),
    [KUBERNETES_ID_LABEL]: component,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: workload.name,
      namespace,
      labels,
      ...(workload.crashLoop
        ? { annotations: { [CRASH_LOOP_ANNOTATION]: 'true' } }
        : {}),
    },
    spec: {
      replicas: workload.replicas ?? 1,
      selector: {
        matchLabels: {
          app: workload.app,
          ...(workload.version ? { version: workload.version } : {}),
        },
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        metadata: {
          labels: { ...labels, ...workload.podLabels },
          ...(workload.podAnnotations
            ? { annotations: workload.podAnnotations }
            : {}),
        },
        spec: {
          serviceAccountName: 'default',
          containers: [
            {
              name: workload.app,
              image: workload.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                {
                  containerPort: workload.containerPort ?? 9080,
                  protocol: 'TCP',
                },
              ],
              resources: { requests: { cpu: '10m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

export function service(
  namespace: string,
  component: string,
  def: ServiceDef,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: def.name,
      namespace,
      labels: {
        app: def.app,
        service: def.name,
        [KUBERNETES_ID_LABEL]: component,
      },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: clusterIpFor(namespace, def.name),
      selector: { app: def.app },
      ports: [
        {
          ...(def.portName ? { name: def.portName } : {}),
          port: def.port,
          protocol: 'TCP',
          targetPort: def.targetPort ?? def.port,
        },
      ],
    },
  };
}

/** Creates the namespace, Deployments and Services of one application. */
export function deployApp(api: ClusterApi, app: AppDef): void {
  ensureNamespace(api, app.namespace, app.namespaceLabels);
  for (const def of app.services ?? []) {
    upsert(api, SERVICES, service(app.namespace, app.component, def));
  }
  for (const workload of app.workloads) {
    upsert(
      api,
      DEPLOYMENTS,
      deployment(app.namespace, app.component, workload),
    );
  }
}

/** `kubectl rollout restart deployment -n <namespace>`: new pods pick up new labels. */
export function restartDeployments(api: ClusterApi, namespace: string): void {
  const restartedAt = new Date().toISOString();
  for (const d of api.list(DEPLOYMENTS, { namespace })) {
    const spec = d.spec as {
      template: { metadata?: { annotations?: Record<string, string> } };
    };
    spec.template.metadata = {
      ...spec.template.metadata,
      annotations: {
        ...spec.template.metadata?.annotations,
        'kubectl.kubernetes.io/restartedAt': restartedAt,
      },
    };
    api.update(DEPLOYMENTS, d);
  }
}

/** Resolves once a control-plane namespace has a ready istiod of `revision`. */
export function istiodReady(
  api: ClusterApi,
  namespace: string,
  revision: string,
): Promise<unknown> {
  return waitFor(
    () =>
      api
        .list(PODS, {
          namespace,
          labelSelector: `app=istiod,istio.io/rev=${revision}`,
        })
        .some(isPodReady),
    { timeoutMs: 60_000, intervalMs: 20, what: `istiod ${revision}` },
  );
}

/** Resolves once every Deployment of the namespaces has all its replicas updated and ready. */
export function rolledOut(
  api: ClusterApi,
  namespaces: string[],
): Promise<unknown> {
  return waitFor(
    () =>
      namespaces.every(namespace =>
        api.list(DEPLOYMENTS, { namespace }).every(d => {
          // A crash-looping workload never finishes rolling out, by design.
          if (d.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true') {
            return true;
          }
          const replicas = (d.spec as { replicas?: number }).replicas ?? 1;
          const status = (d.status ?? {}) as {
            updatedReplicas?: number;
            readyReplicas?: number;
            replicas?: number;
            observedGeneration?: number;
          };
          return (
            status.observedGeneration === d.metadata.generation &&
            status.updatedReplicas === replicas &&
            status.readyReplicas === replicas &&
            status.replicas === replicas
          );
        }),
      ),
    { timeoutMs: 60_000, intervalMs: 20, what: `rollout in ${namespaces}` },
  );
}

/**
 * The namespace-wide Sidecar that limits a namespace's proxies to their own
 * namespace and the control plane (the memory-saving egress config).
 */
export function applyDefaultSidecar(
  api: ClusterApi,
  namespace: string,
  controlPlaneNamespace: string,
  extraHosts: string[] = [],
): void {
  upsert(api, SIDECARS, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace },
    spec: {
      egress: [{ hosts: ['./*', `${controlPlaneNamespace}/*`, ...extraHosts] }],
    },
  });
}
