import { RealSchemaValidator } from '../../__testUtils__/crdSchemas';
import { ClusterStore } from '../../apiserver/ClusterStore';
import { KubeObject } from '../../apiserver/types';
import {
  DEPLOYMENTS,
  MUTATING_WEBHOOKS,
  NAMESPACES,
  PODS,
  ensureNamespace,
  isPodReady,
} from '../../controllers/common';
import { waitFor } from '../../waitFor';
import { ScenarioOptions, restartDeployments, rolledOut } from '../apps';
import { scenarios } from '../index';

const MESH_GROUPS = [
  'maistra.io',
  'sailoperator.io',
  'networking.istio.io',
  'security.istio.io',
];
// Kinds the shared folder has no schema for.
const WITHOUT_REAL_SCHEMA = new Set(['IstioCNI']);

const validator = new RealSchemaValidator();

/** An empty cluster with the namespaces every cluster has. */
export function newCluster(): ClusterStore {
  const store = new ClusterStore();
  for (const name of ['default', 'kube-system', 'kube-public']) {
    ensureNamespace(store, name);
  }
  return store;
}

/** Every object of a mesh kind in the cluster, checked against the real schemas. */
export function validateMeshObjects(store: ClusterStore): KubeObject[] {
  const objects = store
    .resources()
    .filter(
      r => MESH_GROUPS.includes(r.group) && !WITHOUT_REAL_SCHEMA.has(r.kind),
    )
    .flatMap(r => store.list(r));
  const problems = objects.flatMap(o => validator.errors(o));
  expect(problems).toEqual([]);
  return objects;
}

/** The revision in a pod's `sidecar.istio.io/status`, as the injector wrote it. */
export function injectedRevision(pod: KubeObject): string | undefined {
  const status = pod.metadata.annotations?.['sidecar.istio.io/status'];
  return status ? JSON.parse(status).revision : undefined;
}

export function proxyImage(pod: KubeObject): string | undefined {
  const spec = pod.spec as {
    containers: Array<{ name: string; image: string }>;
    initContainers?: Array<{ name: string; image: string }>;
  };
  return [...spec.containers, ...(spec.initContainers ?? [])].find(
    c => c.name === 'istio-proxy',
  )?.image;
}

export const podsIn = (
  store: ClusterStore,
  namespace: string,
  selector?: string,
) => store.list(PODS, { namespace, labelSelector: selector });

export const conditionOf = (object: KubeObject | undefined, type: string) =>
  (
    object?.status as {
      conditions?: Array<{
        type: string;
        status: string;
        reason?: string;
        message?: string;
      }>;
    }
  )?.conditions?.find(c => c.type === type);

/** Runs a scenario (pods ready at once) for the tests of a describe block. */
export function useScenario(
  name: string,
  options: ScenarioOptions = {},
): ClusterStore {
  const store = newCluster();
  let stop = () => {};
  beforeAll(async () => {
    stop = await scenarios[name].setup(store, { readyDelayMs: 0, ...options });
  });
  afterAll(() => stop());
  return store;
}

/** `kubectl label ns <namespace> key=value key-`, `null` removing a label. */
export function relabel(
  store: ClusterStore,
  namespace: string,
  labels: Record<string, string | null>,
): void {
  const ns = store.get(NAMESPACES, undefined, namespace)!;
  const next = { ...ns.metadata.labels };
  for (const [key, value] of Object.entries(labels)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  store.update(NAMESPACES, {
    ...ns,
    metadata: { ...ns.metadata, labels: next },
  });
}

/** `kubectl rollout restart` of a namespace's Deployments, until the old pods are gone. */
export async function restartAndRollOut(
  store: ClusterStore,
  namespace: string,
): Promise<void> {
  const before = new Set(podsIn(store, namespace).map(p => p.metadata.name));
  restartDeployments(store, namespace);
  await rolledOut(store, [namespace]);
  await waitFor(() =>
    podsIn(store, namespace).every(p => !before.has(p.metadata.name)),
  );
}

/** Each pod's injected revision and proxy image. */
export const proxiesIn = (store: ClusterStore, namespace: string) =>
  podsIn(store, namespace).map(p => [injectedRevision(p), proxyImage(p)]);

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * `istioctl tag set <tag> --revision <revision> --overwrite` as the backend
 * writes it: a JSON Patch of the tag's webhook configuration (its
 * `istio.io/rev` label and the istiod service of each webhook).
 */
export function moveTag(store: ClusterStore, tag: string, revision: string) {
  const name = `istio-revision-tag-${tag}`;
  const config = store.get(MUTATING_WEBHOOKS, undefined, name)!;
  const webhooks = config.webhooks as unknown[];
  store.patch(
    MUTATING_WEBHOOKS,
    undefined,
    name,
    'application/json-patch+json',
    [
      {
        op: 'test',
        path: `/metadata/labels/${escape('istio.io/rev')}`,
        value: config.metadata.labels!['istio.io/rev'],
      },
      {
        op: 'replace',
        path: `/metadata/labels/${escape('istio.io/rev')}`,
        value: revision,
      },
      ...webhooks.map((_, index) => ({
        op: 'replace',
        path: `/webhooks/${index}/clientConfig/service/name`,
        value: `istiod-${revision}`,
      })),
    ],
  );
}

/** The Deployment with annotations added to its pod template (the opt-in). */
export const podTemplateAnnotate = (
  deployment: KubeObject,
  annotations: Record<string, string>,
): KubeObject => {
  const spec = structuredClone(deployment.spec) as {
    template: { metadata?: { annotations?: Record<string, string> } };
  };
  spec.template.metadata = {
    ...spec.template.metadata,
    annotations: { ...spec.template.metadata?.annotations, ...annotations },
  };
  return { ...deployment, spec };
};

/** `kubectl scale deploy istio-sidecar-injector -n istio-system --replicas=N`, until it is so. */
export async function scaleInjector(store: ClusterStore, replicas: number) {
  const injector = store.get(
    DEPLOYMENTS,
    'istio-system',
    'istio-sidecar-injector',
  )!;
  store.update(DEPLOYMENTS, {
    ...injector,
    spec: { ...(injector.spec as object), replicas },
  });
  await waitFor(
    () =>
      podsIn(store, 'istio-system', 'istio=sidecar-injector').filter(isPodReady)
        .length === replicas,
  );
}

/** The FailedCreate events on objects of a kind. */
export const failedCreates = (events: KubeObject[], kind: string) =>
  events.filter(
    e =>
      e.reason === 'FailedCreate' &&
      (e.involvedObject as { kind: string }).kind === kind,
  );
