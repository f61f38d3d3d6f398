/**
 * Annotations of the Backstage Kubernetes plugin that tell us which
 * namespaces and workloads belong to a catalog entity. We read the same keys
 * so an entity that shows in the Kubernetes tab needs nothing new.
 *
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
/** @public */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * The label the Kubernetes plugin expects on workloads of an entity that uses
 * `backstage.io/kubernetes-id`.
 *
 * @public
 */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/**
 * Namespace label of upstream Istio and Sail: `enabled` turns on injection by
 * the default revision; any other value turns it off. It takes precedence
 * over {@link ISTIO_REVISION_LABEL}.
 *
 * @public
 */
export const ISTIO_INJECTION_LABEL = 'istio-injection';
/**
 * Namespace or pod label naming the control-plane revision (or revision tag)
 * that injects the sidecar. The injector also stamps it on injected pods.
 *
 * @public
 */
export const ISTIO_REVISION_LABEL = 'istio.io/rev';
/**
 * Label on a revision tag's MutatingWebhookConfiguration naming the tag.
 *
 * @public
 */
export const ISTIO_TAG_LABEL = 'istio.io/tag';
/**
 * Pod label or annotation: `"false"` opts a pod out of injection, `"true"`
 * opts it in (required on OpenShift Service Mesh 2).
 *
 * @public
 */
export const SIDECAR_INJECT_ANNOTATION = 'sidecar.istio.io/inject';
/**
 * Annotation the injector writes on injected pods (JSON with a `revision`
 * key).
 *
 * @public
 */
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';
/**
 * Label the OpenShift Service Mesh 2 operator puts on member namespaces; its
 * value is the control-plane namespace.
 *
 * @public
 */
export const MAISTRA_MEMBER_OF_LABEL = 'maistra.io/member-of';
/**
 * Namespace label of older Maistra: the injector skips such namespaces.
 *
 * @public
 */
export const OPENSHIFT_IGNORE_NAMESPACE_LABEL =
  'istio.openshift.com/ignore-namespace';
/**
 * Namespace label of OpenShift Service Mesh 2: the operator and injector
 * skip such namespaces.
 *
 * @public
 */
export const MAISTRA_IGNORE_NAMESPACE_LABEL = 'maistra.io/ignore-namespace';
/**
 * Pod-template annotation `kubectl rollout restart` sets to trigger a
 * rollout.
 *
 * @public
 */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
/**
 * Pod label the injector sets on injected pods (`istio`), used for mTLS
 * auto-detection.
 *
 * @public
 */
export const ISTIO_TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/**
 * Whether an entity carries one of the Kubernetes plugin's annotations that
 * tell which namespaces and workloads are its own; only such entities have a
 * mesh status.
 *
 * @public
 */
export function hasKubernetesAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return [
    KUBERNETES_ID_ANNOTATION,
    KUBERNETES_NAMESPACE_ANNOTATION,
    KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  ].some(key => Boolean(annotations[key]));
}
