import { LabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject } from '../../apiserver/types';

/** One istiod revision: what `istioctl install --revision` or an operator sets up. */
export interface ControlPlaneRevision {
  /** The control-plane namespace, e.g. `istio-system`. */
  namespace: string;
  /** The revision name; `default` is the unnamed default revision. */
  revision: string;
  /** Image tag of pilot and proxyv2, e.g. `1.24.3` or `2.5.2`. */
  version: string;
  /** Image registry and organisation, e.g. `docker.io/istio`. */
  hub?: string;
  /** Image names under the hub (OSSM uses `-rhel8`/`-rhel9` names). */
  pilotImageName?: string;
  proxyImageName?: string;
  /** Inject `istio-proxy` as a native sidecar (an init container with restartPolicy Always). */
  nativeSidecars?: boolean;
  /** With Istio CNI the pod gets `istio-validation` instead of `istio-init`. */
  cni?: boolean;
  /**
   * `enabled`: inject every pod the webhook selects unless it opts out.
   * `disabled`: inject only pods asking with `sidecar.istio.io/inject: "true"` (OSSM 2).
   */
  injectionPolicy?: 'enabled' | 'disabled';
  /**
   * `istio`: Istio's revision webhooks on `istio-injection` / `istio.io/rev`.
   * `maistra`: OSSM 2's webhook on `maistra.io/member-of=<namespace>`.
   */
  webhookStyle?: 'istio' | 'maistra';
  discoverySelectors?: LabelSelector[];
  /** Who manages these objects (`Helm`, `sail-operator`, `maistra-istio-operator`). */
  managedBy?: string;
  /** Extra labels on every object (e.g. Maistra's owner labels). */
  labels?: Record<string, string>;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

export interface RevisionTag {
  tag: string;
  /** The revision the tag points at. */
  revision: string;
  /** The namespace of that revision's istiod. */
  namespace: string;
  managedBy?: string;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

export function istiodName(revision: string): string {
  return revision === 'default' ? 'istiod' : `istiod-${revision}`;
}

function suffixed(base: string, revision: string): string {
  return revision === 'default' ? base : `${base}-${revision}`;
}

export function injectorConfigMapName(revision: string): string {
  return suffixed('istio-sidecar-injector', revision);
}

export function webhookConfigName(
  rev: Pick<ControlPlaneRevision, 'namespace' | 'revision' | 'webhookStyle'>,
): string {
  return rev.webhookStyle === 'maistra'
    ? `istiod-${rev.revision}-${rev.namespace}`
    : suffixed('istio-sidecar-injector', rev.revision);
}

export function tagWebhookConfigName(tag: string): string {
  return `istio-revision-tag-${tag}`;
}

export function imageOf(
  rev: ControlPlaneRevision,
  name: string | undefined,
  fallback: string,
) {
  return `${rev.hub ?? 'docker.io/istio'}/${name ?? fallback}:${rev.version}`;
}

export function proxyImageOf(rev: ControlPlaneRevision): string {
  return imageOf(rev, rev.proxyImageName, 'proxyv2');
}

export function meshConfigMapName(revision: string): string {
  return suffixed('istio', revision);
}
