import { applyPatch } from 'fast-json-patch';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { revisionRouting } from '../../controlPlane';
import { detectControlPlanes } from '../../flavours';
import { decideInjection } from '../../injection';
import type { KubeObject, Pod, Workload } from '../../kube';
import type { ClusterSnapshot } from '../../snapshot';
import { podBelongsTo } from '../../workloads';
import {
  deployment,
  injectorWebhookConfiguration,
  istiodDeployment,
  namespace,
  podOf,
} from '../../__fixtures__';
import { DEFAULT_UPGRADE_OPTIONS, UpgradeRequest } from '../types';

/** Versions of the revisions of the upstream scenario. */
export const VERSIONS: Record<string, string> = {
  '1-23-1': '1.23.1',
  '1-24-3': '1.24.3',
};

/**
 * Upstream Istio with revision 1-23-1 (tags `prod-stable` and `default`)
 * and the new revision 1-24-3 beside it. Namespaces: `web` and `shop`
 * (istio-injection=enabled, the default tag), `checkout` and `payments`
 * (prod-stable), `legacy` (pinned to 1-23-1 by name) and `tools` (not in
 * the mesh). `checkout` has three replicas of checkout-api.
 */
export function upstreamScenario() {
  const apps: [string, string, number][] = [
    ['web', 'frontend', 1],
    ['shop', 'cart', 1],
    ['checkout', 'checkout-api', 3],
    ['payments', 'ledger', 1],
    ['legacy', 'mainframe', 1],
  ];
  const workloads: Workload[] = apps.map(([ns, name, replicas]) => {
    const w = deployment(name, ns);
    w.spec.replicas = replicas;
    return w;
  });
  const pods: Pod[] = workloads.flatMap(w =>
    Array.from({ length: w.spec.replicas ?? 1 }, (_, i) =>
      readyPod(
        podOf(w, `old${i}`, {
          proxy: { revision: '1-23-1', version: '1.23.1' },
        }),
      ),
    ),
  );
  const snapshot: ClusterSnapshot = {
    cluster: 'dev',
    namespaces: [
      namespace('istio-system'),
      namespace('kube-system'),
      namespace('web', { 'istio-injection': 'enabled' }, '11'),
      namespace('shop', { 'istio-injection': 'enabled' }, '12'),
      namespace('checkout', { 'istio.io/rev': 'prod-stable' }, '13'),
      namespace('payments', { 'istio.io/rev': 'prod-stable' }, '14'),
      namespace('legacy', { 'istio.io/rev': '1-23-1' }, '15'),
      namespace('tools', {}, '16'),
    ],
    workloads: [
      istiodDeployment('1-23-1', '1.23.1'),
      istiodDeployment('1-24-3', '1.24.3'),
      ...workloads,
    ],
    pods,
    services: [],
    mutatingWebhookConfigurations: [
      injectorWebhookConfiguration({ revision: '1-23-1' }),
      injectorWebhookConfiguration({ revision: '1-24-3' }),
      withVersion(
        injectorWebhookConfiguration({
          revision: '1-23-1',
          tag: 'prod-stable',
        }),
      ),
      withVersion(
        injectorWebhookConfiguration({
          revision: '1-23-1',
          tag: 'default',
          isDefault: true,
        }),
      ),
    ],
  };
  return { snapshot, workloads };
}

function withVersion<T extends KubeObject>(object: T): T {
  object.metadata.resourceVersion = '5';
  return object;
}

export function readyPod(pod: Pod): Pod {
  pod.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  return pod;
}

/** A pod whose app container crash-loops, so it is never Ready. */
export function crashLooping(pod: Pod): Pod {
  pod.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: pod.spec.containers[0]?.name ?? 'app',
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    ],
  };
  return pod;
}

export function upstreamRequest(
  options: Partial<UpgradeRequest['options']> = {},
): UpgradeRequest {
  return {
    cluster: 'dev',
    controlPlane: { namespace: 'istio-system' },
    fromRevision: '1-23-1',
    target: { type: 'revision', revision: '1-24-3' },
    options: { ...DEFAULT_UPGRADE_OPTIONS, ...options },
  };
}

/** Applies a planned write to the snapshot, as the API server would. */
export function applyOperation(
  snapshot: ClusterSnapshot,
  operation: KubeOperation,
) {
  const lists = [
    snapshot.namespaces,
    snapshot.workloads,
    snapshot.mutatingWebhookConfigurations,
    snapshot.istios ?? [],
    snapshot.istioRevisionTags ?? [],
    snapshot.serviceMeshControlPlanes ?? [],
  ] as KubeObject[][];
  for (const list of lists) {
    const index = list.findIndex(
      o =>
        o.kind === operation.kind &&
        o.metadata.name === operation.name &&
        o.metadata.namespace === operation.namespace,
    );
    if (index >= 0) {
      const next = applyPatch(
        structuredClone(list[index]),
        operation.patch as any,
        true,
        false,
      ).newDocument as KubeObject;
      next.metadata.resourceVersion = String(
        Number(next.metadata.resourceVersion ?? 0) + 1,
      );
      list[index] = next;
      return;
    }
  }
  throw new Error(`No ${operation.kind} ${operation.name} to patch`);
}

/**
 * The ReplicaSet controller and the injector in one: workloads whose
 * template changed get new pods, injected by whatever revision the
 * namespace's labels select now. `unhealthy` workloads' new pods crash-loop.
 */
export function rollPods(
  snapshot: ClusterSnapshot,
  options: { unhealthy?: string[]; versions?: Record<string, string> } = {},
) {
  const versions = options.versions ?? VERSIONS;
  const routing = revisionRouting(detectControlPlanes(snapshot));
  for (const workload of snapshot.workloads.filter(
    w => !w.metadata.name.startsWith('istiod'),
  )) {
    const stamp =
      workload.spec.template.metadata?.annotations?.[
        'kubectl.kubernetes.io/restartedAt'
      ];
    const own = snapshot.pods.filter(p => podBelongsTo(p, workload));
    if (
      own.every(
        p =>
          p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ===
          stamp,
      )
    ) {
      continue;
    }
    const ns = snapshot.namespaces.find(
      n => n.metadata.name === workload.metadata.namespace,
    )!;
    const decision = decideInjection(
      { name: ns.metadata.name, labels: ns.metadata.labels },
      { labels: workload.spec.template.metadata?.labels },
      { style: 'labels', ...routing },
    );
    const fresh = Array.from(
      { length: workload.spec.replicas ?? 1 },
      (_, i) => {
        const pod = podOf(
          workload,
          `${stamp}-${i}`.replace(/[^a-z0-9-]/gi, ''),
          {
            proxy: decision.injected
              ? {
                  revision: decision.revision,
                  version: versions[decision.revision] ?? '0.0.0',
                }
              : undefined,
          },
        );
        if (options.unhealthy?.includes(workload.metadata.name)) {
          return crashLooping(pod);
        }
        return readyPod(pod);
      },
    );
    snapshot.pods = [...snapshot.pods.filter(p => !own.includes(p)), ...fresh];
  }
}
