import { ISTIO_CNIS } from '../../meshCrds';
import {
  Condition,
  DAEMON_SETS,
  MANAGED_BY_LABEL,
  ensureNamespace,
  ownerReference,
  upsert,
  writeStatus,
} from '../common';
import {
  DEFAULT_VERSION,
  OPERATOR,
  SailContext,
  sailConditions,
} from './model';

/** `IstioCNI` → the `istio-cni-node` DaemonSet, Ready once its pod is. */
export function cniController(ctx: SailContext) {
  const { api, options } = ctx;

  return function reconcileCni(_: string | undefined, name: string) {
    const cni = api.get(ISTIO_CNIS, undefined, name);
    if (!cni) return;
    const spec = (cni.spec ?? {}) as { version?: string; namespace?: string };
    const namespace = spec.namespace ?? 'istio-cni';
    const version = (spec.version ?? DEFAULT_VERSION).replace(/^v/, '');
    ensureNamespace(api, namespace);
    upsert(api, DAEMON_SETS, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'istio-cni-node',
        namespace,
        labels: { 'k8s-app': 'istio-cni-node', [MANAGED_BY_LABEL]: OPERATOR },
        ownerReferences: [ownerReference(cni)],
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } },
        template: {
          metadata: {
            labels: {
              'k8s-app': 'istio-cni-node',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            containers: [
              {
                name: 'install-cni',
                image: `${
                  options.hub ?? 'docker.io/istio'
                }/install-cni:${version}`,
              },
            ],
          },
        },
      },
    });
    const daemonSet = api.get(DAEMON_SETS, namespace, 'istio-cni-node');
    const ready =
      ((daemonSet?.status ?? {}) as { numberReady?: number }).numberReady ?? 0;
    const previous = (cni.status ?? {}) as { conditions?: Condition[] };
    writeStatus(api, ISTIO_CNIS, cni, {
      observedGeneration: cni.metadata.generation,
      conditions: sailConditions(
        previous.conditions,
        ready > 0
          ? undefined
          : {
              reason: 'DaemonSetNotReady',
              message: 'not all istio-cni-node pods are ready',
            },
      ),
      state: ready > 0 ? 'Healthy' : 'NotReady',
    });
  };
}
