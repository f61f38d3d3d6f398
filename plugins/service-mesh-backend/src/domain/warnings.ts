import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  MeshWarning,
  WarningFix,
} from '@mesh-backstage/plugin-service-mesh-common';
import { decideInjectionByWebhooks, PodInjectionInput } from './injection';
import { podProxy } from './proxies';
import { inNamespace, isOpenShift } from './snapshot';
import type { NamespaceAnalysis, WorkloadAnalysis } from './status';
import { workloadRef } from './workloads';

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
  /** The injector of the namespace's revision is not ready. */
  injectorNotReady: 'SM-INJECTOR-NOT-READY',
  /** Injection is asked for but no webhook configuration answers. */
  webhookMissing: 'SM-WEBHOOK-MISSING',
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
} as const;

const PROTOCOL_PREFIXES = [
  'grpc-web',
  'grpc',
  'http2',
  'https',
  'http',
  'mongo',
  'mysql',
  'redis',
  'tcp',
  'tls',
  'udp',
];

/** Istio's port naming convention: `<protocol>` or `<protocol>-<suffix>`. */
export function followsPortNamingConvention(name: string | undefined): boolean {
  const lower = (name ?? '').toLowerCase();
  return PROTOCOL_PREFIXES.some(p => lower === p || lower.startsWith(`${p}-`));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The warnings of one namespace, most severe first. */
export function deriveNamespaceWarnings(
  analysis: NamespaceAnalysis,
): MeshWarning[] {
  const { namespace, controlPlane, context, membership, injection } = analysis;
  const ns = namespace.metadata.name;
  const cluster = context.snapshot.cluster;
  const labels = namespace.metadata.labels ?? {};
  const warnings: MeshWarning[] = [];
  const add = (w: Omit<MeshWarning, 'namespace'>) =>
    warnings.push({ namespace: ns, ...w });
  const base = { cluster, namespace: ns };

  if (!controlPlane) {
    add({
      code: WARNING_CODES.noControlPlane,
      severity: 'info',
      message: `Cluster ${cluster} has no service-mesh control plane, so ${ns} cannot join a mesh there`,
    });
    return warnings;
  }
  const ossm2 = controlPlane.flavour === 'ossm2';
  const restartFix = (
    workloads: WorkloadAnalysis[],
    title: string,
  ): WarningFix => ({
    action: 'restart',
    title,
    request: {
      ...base,
      workloads: workloads.map(w => workloadRef(w.workload)),
    },
  });

  if (
    !ossm2 &&
    labels[ISTIO_INJECTION_LABEL] !== undefined &&
    labels[ISTIO_REVISION_LABEL] !== undefined
  ) {
    add({
      code: WARNING_CODES.multipleInjectionLabels,
      severity: 'warning',
      message: `The namespace has both istio-injection=${labels[ISTIO_INJECTION_LABEL]} and istio.io/rev=${labels[ISTIO_REVISION_LABEL]}. istio-injection wins, so the revision label is ignored.`,
      fix: {
        action: 'switchRevision',
        title: `Use revision ${labels[ISTIO_REVISION_LABEL]} only`,
        request: { ...base, revision: labels[ISTIO_REVISION_LABEL] },
      },
    });
  }

  const nsRevision = labels[ISTIO_REVISION_LABEL];
  const fallbackRevision =
    controlPlane.defaultRevision ?? controlPlane.activeRevision;
  if (
    !ossm2 &&
    nsRevision !== undefined &&
    labels[ISTIO_INJECTION_LABEL] === undefined &&
    injection.effectiveRevision === undefined
  ) {
    add({
      code: WARNING_CODES.unknownRevision,
      severity: 'error',
      message: `The namespace label istio.io/rev=${nsRevision} names no revision or tag on the cluster, so new pods get no sidecar.`,
      fix: fallbackRevision
        ? {
            action: 'switchRevision',
            title: `Switch to ${fallbackRevision}`,
            request: { ...base, revision: fallbackRevision },
          }
        : undefined,
    });
  }
  for (const w of analysis.workloads) {
    if (
      !w.expected.injected &&
      w.expected.reason === 'unknownRevision' &&
      nsRevision === undefined
    ) {
      add({
        code: WARNING_CODES.unknownRevision,
        severity: 'error',
        workload: workloadRef(w.workload),
        message: `The pod template label istio.io/rev=${w.expected.requestedRevision} names no revision or tag, so new pods get no sidecar.`,
      });
    }
  }

  if (ossm2 && membership.pending) {
    add({
      code: WARNING_CODES.memberPending,
      severity: 'warning',
      message: `The namespace was added to control plane ${controlPlane.namespace} but the operator has not configured it yet; injection starts once it has.`,
    });
  }
  const anyInjected =
    injection.effectiveRevision !== undefined ||
    analysis.workloads.some(w => w.expected.injected);
  if (!membership.member && !membership.pending && !anyInjected) {
    add({
      code: WARNING_CODES.namespaceNotInjected,
      severity: 'info',
      message: ossm2
        ? `The namespace is not a member of control plane ${controlPlane.namespace}, so its workloads are outside the mesh.`
        : 'The namespace is not enabled for sidecar injection, so its workloads are outside the mesh.',
      fix: { action: 'enroll', title: 'Add to the mesh', request: { ...base } },
    });
  }
  if (
    !ossm2 &&
    anyInjected &&
    membership.via === 'discoverySelector' &&
    !membership.member
  ) {
    add({
      code: WARNING_CODES.outsideDiscoverySelectors,
      severity: 'warning',
      message: `Pods here get sidecars, but the mesh's discoverySelectors do not include the namespace, so istiod ignores its services and endpoints.`,
      fix: {
        action: 'enroll',
        title: 'Add the discovery label',
        request: { ...base },
      },
    });
  }

  // The revisions new pods here would come from.
  const expectedRevisions = new Set<string>();
  if (injection.effectiveRevision)
    expectedRevisions.add(injection.effectiveRevision);
  for (const w of analysis.workloads) {
    if (w.expected.injected) expectedRevisions.add(w.expected.revision);
  }
  const revisionModels = context.controlPlanes.flatMap(cp => cp.revisions);
  for (const revision of expectedRevisions) {
    const model = revisionModels.find(r => r.name === revision);
    if (model && !model.injectorReady) {
      add({
        code: WARNING_CODES.injectorNotReady,
        severity: 'error',
        message: `The injector of revision ${revision} is not ready: new pods here will fail to start (the injection webhook rejects them) until istiod is back.`,
      });
    }
  }

  // Compare the labels' answer with the cluster's actual webhooks.
  const probe = analysis.workloads.find(w => w.expected.injected);
  let probeInput: PodInjectionInput = {};
  if (probe) {
    probeInput = {
      labels: probe.workload.spec.template.metadata?.labels,
      annotations: probe.workload.spec.template.metadata?.annotations,
    };
  } else if (ossm2) {
    probeInput = { annotations: { 'sidecar.istio.io/inject': 'true' } };
  }
  if (expectedRevisions.size > 0) {
    const byWebhooks = decideInjectionByWebhooks(
      context.snapshot.mutatingWebhookConfigurations,
      { name: ns, labels },
      probeInput,
      { injectorPolicy: () => (ossm2 ? 'disabled' : 'enabled') },
    );
    if (byWebhooks.matches.length === 0) {
      add({
        code: WARNING_CODES.webhookMissing,
        severity: 'error',
        message: `The namespace asks for injection by ${[
          ...expectedRevisions,
        ].join(
          ', ',
        )}, but no injection webhook configuration on the cluster matches it, so new pods start without a sidecar.`,
      });
    }
  }

  const missing = analysis.workloads.filter(
    w => w.expected.injected && w.podsWithoutProxy.length > 0,
  );
  for (const w of missing) {
    add({
      code: WARNING_CODES.podMissingProxy,
      severity: 'warning',
      workload: workloadRef(w.workload),
      message: `${plural(w.podsWithoutProxy.length, 'pod')} of ${
        w.workload.metadata.name
      } run without the Istio proxy although new pods get one; they predate the injection change.`,
      fix: restartFix([w], `Restart ${w.workload.metadata.name}`),
    });
  }
  for (const w of analysis.workloads.filter(
    a => a.podsOnOtherRevision.length,
  )) {
    const revisions = [
      ...new Set(w.podsOnOtherRevision.map(p => podProxy(p)!.revision)),
    ];
    add({
      code: WARNING_CODES.oldRevision,
      severity: 'warning',
      workload: workloadRef(w.workload),
      message: `${plural(w.podsOnOtherRevision.length, 'pod')} of ${
        w.workload.metadata.name
      } run proxies from ${revisions.join(', ')}, but the namespace now uses ${
        w.expected.injected ? w.expected.revision : '?'
      }; they move on restart.`,
      fix: restartFix([w], `Restart ${w.workload.metadata.name}`),
    });
  }
  for (const w of analysis.workloads.filter(
    a => a.podsWithUnwantedProxy.length,
  )) {
    add({
      code: WARNING_CODES.unwantedSidecar,
      severity: 'info',
      workload: workloadRef(w.workload),
      message: `${plural(w.podsWithUnwantedProxy.length, 'pod')} of ${
        w.workload.metadata.name
      } still run a proxy although new pods would get none; a restart removes it.`,
      fix: restartFix([w], `Restart ${w.workload.metadata.name}`),
    });
  }

  const mismatched = analysis.workloads.filter(w =>
    w.pods.some(p => {
      const proxy = podProxy(p);
      const model =
        proxy && revisionModels.find(r => r.name === proxy.revision);
      return (
        w.expected.injected &&
        proxy?.revision === w.expected.revision &&
        proxy.version !== undefined &&
        model?.version !== undefined &&
        proxy.version !== model.version
      );
    }),
  );
  if (mismatched.length) {
    add({
      code: WARNING_CODES.proxyImageMismatch,
      severity: 'warning',
      message: `Pods of ${mismatched
        .map(w => w.workload.metadata.name)
        .join(
          ', ',
        )} run a proxy image older or newer than their revision's injector; restart them to pick up the current one.`,
      fix: restartFix(mismatched, 'Restart affected workloads'),
    });
  }

  for (const service of analysis.services) {
    const bad = (service.spec.ports ?? []).filter(
      p => !p.appProtocol && !followsPortNamingConvention(p.name),
    );
    if (bad.length) {
      add({
        code: WARNING_CODES.portNameConvention,
        severity: 'info',
        message: `Service ${service.metadata.name} has ports (${bad
          .map(p => p.name || String(p.port))
          .join(
            ', ',
          )}) whose name does not start with a protocol (http-, grpc-, tcp-...) and no appProtocol; Istio treats them as plain TCP.`,
      });
    }
  }

  for (const w of analysis.workloads) {
    const inMesh = w.expected.injected || w.status.podsWithSidecar > 0;
    const templateLabels = w.workload.spec.template.metadata?.labels ?? {};
    const lacking = ['app', 'version'].filter(l => !templateLabels[l]);
    if (inMesh && lacking.length) {
      add({
        code: WARNING_CODES.missingAppVersionLabels,
        severity: 'info',
        workload: workloadRef(w.workload),
        message: `The pod template of ${
          w.workload.metadata.name
        } has no ${lacking.join(
          ' or ',
        )} label; Kiali and the Istio metrics group it less usefully.`,
      });
    }
  }

  const cniInUse =
    (context.snapshot.istioCNIs?.length ?? 0) > 0 ||
    context.snapshot.workloads.some(
      w => w.kind === 'DaemonSet' && w.metadata.name === 'istio-cni-node',
    );
  if (
    !ossm2 &&
    anyInjected &&
    cniInUse &&
    isOpenShift(context.snapshot) &&
    !inNamespace(context.snapshot.networkAttachmentDefinitions, ns).some(
      nad => nad.metadata.name === 'istio-cni',
    )
  ) {
    add({
      code: WARNING_CODES.cniAttachmentMissing,
      severity: 'error',
      message:
        'The cluster uses the Istio CNI plugin on OpenShift, but the namespace has no NetworkAttachmentDefinition named istio-cni, so injected pods fail to start their network setup.',
    });
  }

  const existingNamespaces = new Set(
    context.snapshot.namespaces.map(n => n.metadata.name),
  );
  for (const sidecar of analysis.sidecars) {
    const unknown = (sidecar.spec?.egress ?? [])
      .flatMap(e => e.hosts ?? [])
      .map(h => h.split('/')[0])
      .filter(n => !['.', '*', '~'].includes(n) && !existingNamespaces.has(n));
    if (unknown.length) {
      add({
        code: WARNING_CODES.referencedResourceNotFound,
        severity: 'warning',
        message: `Sidecar ${
          sidecar.metadata.name
        } lets proxies reach namespace ${[...new Set(unknown)].join(
          ', ',
        )}, which does not exist.`,
      });
    }
  }

  const order = { error: 0, warning: 1, info: 2 };
  return warnings.sort((a, b) => order[a.severity] - order[b.severity]);
}
