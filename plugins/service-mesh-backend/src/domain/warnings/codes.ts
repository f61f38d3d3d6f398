/**
 * Warning codes. Istio analyzer codes where the analyzer has the same
 * finding, so people can look them up; `SM-` codes for the rest. Stable:
 * the frontend and runbooks may key on them.
 */
export const WARNING_CODES = {
  /** Both `istio-injection` and `istio.io/rev` on the namespace. */
  multipleInjectionLabels: 'IST0123',
  /** The namespace is not enabled for injection / not a mesh member. */
  namespaceNotInjected: 'IST0102',
  /** Pods without a proxy although new pods get one. */
  podMissingProxy: 'IST0103',
  /** Service port names that do not state a protocol. */
  portNameConvention: 'IST0118',
  /** Proxies older than their revision's version (in-place upgrade). */
  proxyImageMismatch: 'IST0158',
  /** A Sidecar egress host names a namespace that does not exist. */
  referencedResourceNotFound: 'IST0101',
  /** Proxies from a revision other than the one the namespace now uses. */
  oldRevision: 'SM-OLD-REVISION',
  /** Proxies in pods that would no longer get one. */
  unwantedSidecar: 'SM-SIDECAR-NOT-WANTED',
  /** A namespace or pod label names a revision or tag that does not exist. */
  unknownRevision: 'SM-UNKNOWN-REVISION',
  /** `istio.io/rev` names a revision, not a tag, so upgrades leave it behind. */
  revisionPinnedByName: 'SM-REVISION-PINNED',
  /** The injector of the namespace's revision is not ready. */
  injectorNotReady: 'SM-INJECTOR-NOT-READY',
  /** Injection is asked for but no webhook configuration answers. */
  webhookMissing: 'SM-WEBHOOK-MISSING',
  /** Before istiod: the injector is down and its webhook fails closed. */
  injectorDownFailClosed: 'SM-INJECTOR-DOWN-FAIL-CLOSED',
  /** Before istiod: the injector runs but its webhook configuration is gone. */
  injectorWebhookGone: 'SM-INJECTOR-WEBHOOK-GONE',
  /** A restart here would stall or drop sidecars (either of the two above). */
  restartWouldStall: 'SM-RESTART-WOULD-STALL',
  /** Pod templates without `app` or `version` labels. */
  missingAppVersionLabels: 'SM-MISSING-APP-VERSION',
  /** OpenShift with Istio CNI, but no `istio-cni` NetworkAttachmentDefinition. */
  cniAttachmentMissing: 'SM-CNI-NAD-MISSING',
  /** OSSM 2 membership requested but not configured yet. */
  memberPending: 'SM-MEMBER-PENDING',
  /** Injected, but outside the mesh's discovery selectors. */
  outsideDiscoverySelectors: 'SM-OUTSIDE-DISCOVERY',
  /** No control plane on the cluster. */
  noControlPlane: 'SM-NO-CONTROL-PLANE',
  /** The entity names a namespace the cluster does not have. */
  namespaceNotFound: 'SM-NAMESPACE-NOT-FOUND',
} as const;

export type WarningCode = (typeof WARNING_CODES)[keyof typeof WARNING_CODES];
