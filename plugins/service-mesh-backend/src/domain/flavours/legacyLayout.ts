import type { MeshFlavour } from '@mesh-backstage/plugin-service-mesh-common';
import {
  ControlPlaneModel,
  deploymentReady,
  normalizeVersion,
  RevisionModel,
} from '../controlPlane';
import type { InjectionRules } from '../injection';
import { isInjectionWebhook, matchInjectionWebhooks } from '../injection';
import {
  InjectorModel,
  injectorPolicyOf,
  LEGACY_INJECTOR_NAME,
} from '../injectorPolicy';
import type {
  MutatingWebhookConfiguration,
  Namespace,
  Workload,
} from '../kube';
import { proxyImageVersion } from '../proxies';
import type { ClusterSnapshot } from '../snapshot';

/*
 * The control-plane layout before istiod, shared by Istio 1.0–1.4,
 * Maistra 0.x and OSSM 1.x: separate Deployments (`istio-pilot`,
 * `istio-sidecar-injector`, `istio-citadel`, `istio-galley`, ...), one
 * unnamed revision, and an injection webhook calling the injector's
 * Service.
 */

export const LEGACY_PILOT_NAME = 'istio-pilot';
/** Pods of a pre-istiod control plane have no revision: like istiod's unnamed one. */
export const LEGACY_REVISION = 'default';
/** Where the Maistra 0.x operator runs (kept here so the guards need not import the adapter). */
export const MAISTRA0_OPERATOR_NAMESPACE_NAME = 'istio-operator';

export function findDeployment(
  snapshot: ClusterSnapshot,
  namespace: string,
  name: string,
): Workload | undefined {
  return snapshot.workloads.find(
    w =>
      w.kind === 'Deployment' &&
      w.metadata.namespace === namespace &&
      w.metadata.name === name,
  );
}

/** Namespaces holding an `istio-pilot` Deployment. */
export function pilotNamespaces(snapshot: ClusterSnapshot): string[] {
  return [
    ...new Set(
      snapshot.workloads
        .filter(
          w => w.kind === 'Deployment' && w.metadata.name === LEGACY_PILOT_NAME,
        )
        .map(w => w.metadata.namespace!),
    ),
  ].sort();
}

/** The injector of a control-plane namespace: Deployment, webhook and config map. */
export function findLegacyInjector(
  snapshot: ClusterSnapshot,
  namespace: string,
): InjectorModel {
  const deployment = findDeployment(snapshot, namespace, LEGACY_INJECTOR_NAME);
  let webhookConfiguration: string | undefined;
  let failurePolicy: string | undefined;
  for (const config of snapshot.mutatingWebhookConfigurations) {
    const webhook = (config.webhooks ?? []).find(
      w =>
        isInjectionWebhook(w) &&
        w.clientConfig?.service?.name === LEGACY_INJECTOR_NAME &&
        w.clientConfig.service.namespace === namespace,
    );
    if (webhook) {
      webhookConfiguration = config.metadata.name;
      failurePolicy = webhook.failurePolicy ?? 'Fail';
      break;
    }
  }
  const configMap = (snapshot.configMaps ?? []).find(
    c =>
      c.metadata.namespace === namespace &&
      c.metadata.name === LEGACY_INJECTOR_NAME,
  );
  return {
    namespace,
    service: LEGACY_INJECTOR_NAME,
    ready: deploymentReady(deployment),
    webhookConfiguration,
    failurePolicy,
    policy: injectorPolicyOf(configMap),
  };
}

/** The image tag of a Deployment's first container (`pilot:1.0.6` → `1.0.6`). */
function imageVersion(deployment: Workload | undefined): string | undefined {
  const containers = deployment?.spec.template.spec.containers ?? [];
  const main = containers.find(c => c.name === 'discovery') ?? containers.at(0);
  return normalizeVersion(proxyImageVersion(main?.image));
}

/** The one revision of a pre-istiod control plane, read off its Deployments. */
export function legacyRevision(
  snapshot: ClusterSnapshot,
  namespace: string,
  injector: InjectorModel,
  ready?: boolean,
): RevisionModel {
  const pilot = findDeployment(snapshot, namespace, LEGACY_PILOT_NAME);
  return {
    name: LEGACY_REVISION,
    version: imageVersion(pilot),
    ready: ready ?? deploymentReady(pilot),
    injectorReady: injector.ready,
    webhookPresent: injector.webhookConfiguration !== undefined,
    istiodDeployment: pilot?.metadata.name,
  };
}

export function legacyControlPlane(
  snapshot: ClusterSnapshot,
  flavour: MeshFlavour,
  namespace: string,
  options: { name?: string; ready?: boolean } = {},
): ControlPlaneModel {
  const injector = findLegacyInjector(snapshot, namespace);
  return {
    flavour,
    namespace,
    name: options.name,
    revisions: [legacyRevision(snapshot, namespace, injector, options.ready)],
    tags: [],
    defaultRevision: LEGACY_REVISION,
    activeRevision: LEGACY_REVISION,
    injector,
  };
}

/** The injection rules of a pre-istiod control plane: its webhook, then its injector's policy. */
export function legacyInjectionRules(
  snapshot: ClusterSnapshot,
  controlPlane: ControlPlaneModel & { injector: InjectorModel },
): InjectionRules {
  return {
    style: 'injector',
    revision: controlPlane.revisions[0]?.name ?? LEGACY_REVISION,
    service: {
      name: controlPlane.injector.service,
      namespace: controlPlane.injector.namespace,
    },
    webhookConfigurations: snapshot.mutatingWebhookConfigurations,
    policy: controlPlane.injector.policy,
  };
}

export type InjectorOutage =
  /** The injector is not ready and its webhook, failing closed, takes the namespace's pods. */
  | 'injectorDown'
  /** No webhook configuration calls the injector any more. */
  | 'webhookGone';

/** What is wrong with a pre-istiod injector, as far as one namespace's new pods go. */
export function injectorOutage(
  injector: InjectorModel | undefined,
  namespace: Namespace,
  webhookConfigurations: MutatingWebhookConfiguration[],
): InjectorOutage | undefined {
  if (!injector) {
    return undefined;
  }
  if (!injector.webhookConfiguration) {
    return 'webhookGone';
  }
  const calling = webhookConfigurations.filter(
    c => c.metadata.name === injector.webhookConfiguration,
  );
  const failsClosed = matchInjectionWebhooks(
    calling,
    { name: namespace.metadata.name, labels: namespace.metadata.labels },
    {},
  ).some(match => match.failurePolicy === 'Fail');
  return failsClosed && !injector.ready ? 'injectorDown' : undefined;
}

/** What the owner of a Maistra 0.x or Istio 1.x control plane can do while its injector is down. */
export function injectorWayOut(controlPlane: ControlPlaneModel): string {
  const injector = controlPlane.injector;
  const where = `${injector?.service ?? LEGACY_INJECTOR_NAME} in ${
    controlPlane.namespace
  }`;
  return controlPlane.flavour === 'maistra0'
    ? `label the operator's own namespace istio.openshift.com/ignore-namespace (kubectl label namespace ${MAISTRA0_OPERATOR_NAMESPACE_NAME} istio.openshift.com/ignore-namespace=ignore) so the operator can redeploy, or restore the Deployment ${where}`
    : `restore the Deployment ${where} (its pods must be Ready), or set the webhook's failurePolicy to Ignore while it is down`;
}
