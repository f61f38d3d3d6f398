import { ClusterApi } from '../apiserver/types';
import { PODS, combineStops, isPodReady } from '../controllers/common';
import { startInjectionController } from '../controllers/injection';
import { startPodMetricsController } from '../controllers/podMetrics';
import { startWorkloadsController } from '../controllers/workloads';
import { waitFor } from '../waitFor';
import { AppDef, ScenarioOptions, WorkloadDef } from './apps';

/**
 * The controllers every pre-istiod cluster runs: workloads, metrics, and
 * injection with the webhook errors of the Kubernetes of the time.
 */
export function startLegacyClusterControllers(
  api: ClusterApi,
  options: ScenarioOptions,
  more: Array<() => void> = [],
): () => void {
  return combineStops([
    startWorkloadsController(api, {
      readyDelayMs: options.readyDelayMs,
      faults: options.faults,
    }),
    startPodMetricsController(api),
    startInjectionController(api, {
      faults: options.faults,
      webhookErrors: 'kubernetes-1.11',
    }),
    ...more,
  ]);
}

/** Bookinfo of the Istio 1.0 days (sample images 1.8.0), one component. */
export function legacyBookinfo(
  component: string,
  podAnnotations?: Record<string, string>,
): AppDef {
  const image = (name: string, version: string) =>
    `docker.io/istio/examples-bookinfo-${name}-${version}:1.8.0`;
  const workload = (app: string, version: string): WorkloadDef => ({
    name: `${app}-${version}`,
    app,
    version,
    image: image(app, version),
    ...(podAnnotations ? { podAnnotations } : {}),
  });
  return {
    namespace: 'bookinfo',
    component,
    workloads: [
      workload('productpage', 'v1'),
      workload('details', 'v1'),
      workload('reviews', 'v1'),
      workload('reviews', 'v2'),
      workload('reviews', 'v3'),
      workload('ratings', 'v1'),
    ],
    services: ['productpage', 'details', 'reviews', 'ratings'].map(app => ({
      name: app,
      app,
      port: 9080,
      portName: 'http',
    })),
  };
}

/** One Deployment and its Service: the shape of most legacy demo apps. */
export function singleWorkloadApp(
  namespace: string,
  component: string,
  workload: Omit<WorkloadDef, 'app'> & { app?: string },
  port: { port: number; portName: string },
  namespaceLabels?: Record<string, string>,
): AppDef {
  const app = workload.app ?? workload.name;
  return {
    namespace,
    component,
    ...(namespaceLabels ? { namespaceLabels } : {}),
    workloads: [{ ...workload, app, containerPort: port.port }],
    services: [{ name: app, app, port: port.port, portName: port.portName }],
  };
}

/** Resolves once the pre-istiod injector has a ready pod (its webhook can be called). */
export function legacyInjectorReady(
  api: ClusterApi,
  namespace: string,
): Promise<unknown> {
  return waitFor(
    () =>
      api
        .list(PODS, { namespace, labelSelector: 'istio=sidecar-injector' })
        .some(isPodReady),
    { timeoutMs: 60_000, intervalMs: 20, what: 'istio-sidecar-injector' },
  );
}
