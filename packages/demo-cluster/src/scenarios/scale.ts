import { ClusterApi, StoreEvent } from '../apiserver/types';
import { combineStops, ensureNamespace } from '../controllers/common';
import { startInjectionController } from '../controllers/injection';
import { startIstiodController } from '../controllers/istiod';
import { isPodReady, startWorkloadsController } from '../controllers/workloads';
import { crdsOfGroups, installMeshCrds } from '../meshCrds';
import { waitFor } from '../waitFor';
import { Scenario, ScenarioOptions, deployApp, istiodReady } from './apps';
import { upstreamRevisions, upstreamTags } from './istioRevisions';

export function scaleNamespaceName(index: number): string {
  return `scale-${String(index + 1).padStart(4, '0')}`;
}

/**
 * The control plane and namespace labels of a scale run: one default
 * revision with every other namespace injected; or, for an upgrade of every
 * namespace, the revisions and tags of `istio-revisions`, with every
 * namespace on 1-23-1, the even ones through the `prod-stable` tag and the
 * odd ones by revision name.
 */
function controlPlaneOf(canary: boolean) {
  if (!canary) {
    return {
      revisions: [
        { namespace: 'istio-system', revision: 'default', version: '1.24.3' },
      ],
      tags: [],
      namespaceLabels: (i: number): Record<string, string> =>
        i % 2 === 0 ? { 'istio-injection': 'enabled' } : {},
    };
  }
  return {
    revisions: upstreamRevisions,
    tags: upstreamTags,
    namespaceLabels: (i: number): Record<string, string> => ({
      'istio.io/rev': i % 2 === 0 ? 'prod-stable' : '1-23-1',
    }),
  };
}

async function setup(
  api: ClusterApi,
  options: ScenarioOptions = {},
): Promise<() => void> {
  const namespaces = options.namespaces ?? 500;
  const podsPerNamespace = options.podsPerNamespace ?? 20;
  const expected = namespaces * podsPerNamespace;
  const controlPlane = controlPlaneOf(options.canaryRevisions ?? false);
  installMeshCrds(
    api,
    crdsOfGroups('networking.istio.io', 'security.istio.io'),
  );
  ensureNamespace(api, 'istio-system');

  // Counts ready pods from events rather than listing 10,000 pods repeatedly.
  const ready = new Set<string>();
  const unsubscribe = api.subscribe((event: StoreEvent) => {
    const { metadata } = event.object;
    if (
      event.resource.plural !== 'pods' ||
      !metadata.namespace?.startsWith('scale-')
    ) {
      return;
    }
    const key = `${metadata.namespace}/${metadata.name}`;
    if (event.type !== 'DELETED' && isPodReady(event.object)) ready.add(key);
    else ready.delete(key);
  });

  const stop = combineStops([
    startWorkloadsController(api, {
      readyDelayMs: options.readyDelayMs ?? 0,
      recordNormalEvents: false,
      faults: options.faults,
    }),
    startInjectionController(api, { faults: options.faults }),
    startIstiodController(api, controlPlane),
  ]);
  await Promise.all(
    controlPlane.revisions.map(rev =>
      istiodReady(api, rev.namespace, rev.revision),
    ),
  );

  const frontend = Math.ceil(podsPerNamespace / 2);
  for (let i = 0; i < namespaces; i++) {
    const namespace = scaleNamespaceName(i);
    deployApp(api, {
      namespace,
      namespaceLabels: controlPlane.namespaceLabels(i),
      component: `scale-app-${String(i + 1).padStart(4, '0')}`,
      workloads: [
        {
          name: 'frontend',
          app: 'frontend',
          version: 'v1',
          replicas: frontend,
          image: 'quay.io/mesh-demo/frontend:1.0.0',
        },
        ...(podsPerNamespace - frontend > 0
          ? [
              {
                name: 'backend',
                app: 'backend',
                version: 'v1',
                replicas: podsPerNamespace - frontend,
                image: 'quay.io/mesh-demo/backend:1.0.0',
              },
            ]
          : []),
      ],
      services: [
        { name: 'frontend', app: 'frontend', port: 8080, portName: 'http-web' },
        { name: 'backend', app: 'backend', port: 8080, portName: 'grpc-api' },
      ],
    });
    // Yield now and then so the controllers work while namespaces are added.
    if (i % 50 === 49) await new Promise(resolve => setImmediate(resolve));
  }
  try {
    await waitFor(() => ready.size >= expected, {
      timeoutMs: 120_000,
      intervalMs: 20,
      what: `${expected} ready pods`,
    });
  } finally {
    unsubscribe();
  }
  return stop;
}

export const scaleScenario: Scenario = {
  description:
    'N namespaces × M pods (default 500 × 20 = 10,000) on one upstream istiod, half of the namespaces injected; with canaryRevisions, every namespace on revision 1-23-1 (half through the prod-stable tag, half by name) beside 1-24-3, ready to upgrade',
  components: [
    {
      component: 'scale-app-0001',
      namespace: 'scale-0001',
      note: 'one component per namespace: scale-app-NNNN in scale-NNNN',
    },
  ],
  setup,
};
