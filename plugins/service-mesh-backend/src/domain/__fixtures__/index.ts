/*
 * Test fixtures: the real samples from /work/shared/crds/samples, an
 * injected pod in Istio 1.24's shape, and builders for plain objects.
 */
import fs from 'fs';
import path from 'path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parseAllDocuments } from 'yaml';
import {
  ISTIO_REVISION_LABEL,
  ISTIO_TAG_LABEL,
} from '@mesh-backstage/plugin-service-mesh-common';
import type {
  KubeObject,
  MutatingWebhook,
  MutatingWebhookConfiguration,
  Namespace,
  Pod,
  PodTemplate,
  Service,
  Workload,
} from '../kube';
import type { ClusterSnapshot } from '../snapshot';

const packageDir = resolvePackagePath(
  '@mesh-backstage/plugin-service-mesh-backend',
);

function findRepoRoot(): string {
  let dir = packageDir;
  while (!fs.existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No backstage.json above ${packageDir}`);
    }
    dir = parent;
  }
  return dir;
}

/** `<repoRoot>/../shared/crds`, where the real CRDs and samples live. */
export function sharedCrdsDir(): string {
  const dir = path.resolve(findRepoRoot(), '..', 'shared', 'crds');
  if (!fs.existsSync(path.join(dir, 'samples'))) {
    throw new Error(
      `The real Istio/Maistra/Sail samples are missing: expected ${dir}/samples ` +
        '(see shared/crds/README.md). The domain tests parse them.',
    );
  }
  return dir;
}

function parseYamlObjects(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text)
    .map(doc => {
      if (doc.errors.length) {
        throw new Error(`${source}: ${doc.errors[0].message}`);
      }
      return doc.toJS();
    })
    .filter(Boolean);
}

/** Every object of a sample file, such as `httpbin.yaml`. */
export function loadSample(file: string): KubeObject[] {
  const full = path.join(sharedCrdsDir(), 'samples', file);
  return parseYamlObjects(fs.readFileSync(full, 'utf8'), full);
}

/** The one object of `kind` in a sample file, placed in `namespace`. */
export function sampleObject<T extends KubeObject>(
  file: string,
  kind: string,
  targetNamespace?: string,
): T {
  const object = loadSample(file).find(o => o.kind === kind);
  if (!object) {
    throw new Error(`No ${kind} in sample ${file}`);
  }
  const copy = structuredClone(object) as T;
  if (targetNamespace) {
    copy.metadata.namespace = targetNamespace;
  }
  return copy;
}

/** The pod Istio 1.24 produces for httpbin in namespace `demo`. */
export function injectedPodIstio124(): Pod {
  const full = path.join(
    packageDir,
    'src/domain/__fixtures__/injected-pod-istio-1.24.yaml',
  );
  return parseYamlObjects(fs.readFileSync(full, 'utf8'), full)[0] as Pod;
}

export function namespace(
  name: string,
  labels: Record<string, string> = {},
  resourceVersion = '1',
): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels, resourceVersion },
  };
}

/** A pod made from a workload's template, as its controller would create it. */
export function podOf(
  workload: Workload,
  suffix: string,
  extra: {
    proxy?: { revision?: string; version: string; native?: boolean };
    phase?: string;
    terminating?: boolean;
  } = {},
): Pod {
  const template = workload.spec.template;
  const labels = { ...template.metadata?.labels };
  const annotations: Record<string, string> = {
    ...template.metadata?.annotations,
  };
  const containers = [...template.spec.containers];
  const initContainers = [...(template.spec.initContainers ?? [])];
  if (extra.proxy) {
    const image = `docker.io/istio/proxyv2:${extra.proxy.version}`;
    annotations['sidecar.istio.io/status'] = JSON.stringify({
      initContainers: extra.proxy.native ? [] : ['istio-init'],
      containers: ['istio-proxy'],
      revision: extra.proxy.revision ?? 'default',
    });
    labels['security.istio.io/tlsMode'] = 'istio';
    labels[ISTIO_REVISION_LABEL] = extra.proxy.revision ?? 'default';
    if (extra.proxy.native) {
      initContainers.push({
        name: 'istio-proxy',
        image,
        restartPolicy: 'Always',
      });
    } else {
      initContainers.push({ name: 'istio-init', image });
      containers.push({ name: 'istio-proxy', image });
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${workload.metadata.name}-${suffix}`,
      namespace: workload.metadata.namespace,
      labels,
      annotations,
      deletionTimestamp: extra.terminating ? '2025-01-01T00:00:00Z' : undefined,
      ownerReferences: [
        {
          kind: workload.kind === 'Deployment' ? 'ReplicaSet' : workload.kind,
          name:
            workload.kind === 'Deployment'
              ? `${workload.metadata.name}-5f7b8c9d4`
              : workload.metadata.name,
          controller: true,
        },
      ],
    },
    spec: { containers, initContainers },
    status: { phase: extra.phase ?? 'Running' },
  };
}

export function deployment(
  name: string,
  ns: string,
  template: Partial<PodTemplate['metadata']> = {},
): Workload {
  const labels = template.labels ?? { app: name, version: 'v1' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, resourceVersion: '10', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: template.annotations },
        spec: { containers: [{ name, image: `example/${name}:1` }] },
      },
    },
  };
}

export function service(
  name: string,
  ns: string,
  ports: Service['spec']['ports'] = [{ name: 'http', port: 80 }],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: { app: name }, ports },
  };
}

/** An istiod Deployment as Helm installs it for a revision. */
export function istiodDeployment(
  revision: string,
  version: string,
  options: { namespace?: string; ready?: boolean } = {},
): Workload {
  const name = revision === 'default' ? 'istiod' : `istiod-${revision}`;
  const ready = options.ready ?? true;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: options.namespace ?? 'istio-system',
      labels: { app: 'istiod', [ISTIO_REVISION_LABEL]: revision },
    },
    spec: {
      selector: {
        matchLabels: { app: 'istiod', [ISTIO_REVISION_LABEL]: revision },
      },
      template: {
        metadata: {
          labels: { app: 'istiod', [ISTIO_REVISION_LABEL]: revision },
        },
        spec: {
          containers: [
            { name: 'discovery', image: `docker.io/istio/pilot:${version}` },
          ],
        },
      },
    },
    status: {
      replicas: 1,
      readyReplicas: ready ? 1 : 0,
      availableReplicas: ready ? 1 : 0,
      conditions: [{ type: 'Available', status: ready ? 'True' : 'False' }],
    },
  };
}

function injectorWebhook(
  prefix: string,
  istiod: { name: string; namespace: string },
  namespaceSelector: MutatingWebhook['namespaceSelector'],
  objectSelector: MutatingWebhook['objectSelector'],
): MutatingWebhook {
  return {
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: {
      service: { ...istiod, path: '/inject' },
    },
    failurePolicy: 'Fail',
    namespaceSelector,
    objectSelector,
  };
}

/**
 * A MutatingWebhookConfiguration shaped like the one Istio's istiod chart
 * (or `istioctl tag set`) renders: `rev.namespace.`/`rev.object.` webhooks
 * for the revision or tag, plus `namespace.`/`object.` webhooks when it is
 * the default.
 */
export function injectorWebhookConfiguration(options: {
  revision: string;
  tag?: string;
  isDefault?: boolean;
  namespace?: string;
}): MutatingWebhookConfiguration {
  const { revision, tag, isDefault } = options;
  const istiodService = {
    name: revision === 'default' ? 'istiod' : `istiod-${revision}`,
    namespace: options.namespace ?? 'istio-system',
  };
  const selects = tag ?? revision;
  const notOptedOut = {
    key: 'sidecar.istio.io/inject',
    operator: 'NotIn' as const,
    values: ['false'],
  };
  const webhooks = [
    injectorWebhook(
      'rev.namespace.',
      istiodService,
      {
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'In', values: [selects] },
          { key: 'istio-injection', operator: 'DoesNotExist' },
        ],
      },
      { matchExpressions: [notOptedOut] },
    ),
    injectorWebhook(
      'rev.object.',
      istiodService,
      {
        matchExpressions: [
          { key: 'istio.io/rev', operator: 'DoesNotExist' },
          { key: 'istio-injection', operator: 'DoesNotExist' },
        ],
      },
      {
        matchExpressions: [
          notOptedOut,
          { key: 'istio.io/rev', operator: 'In', values: [selects] },
        ],
      },
    ),
  ];
  if (isDefault) {
    webhooks.push(
      injectorWebhook(
        'namespace.',
        istiodService,
        {
          matchExpressions: [
            { key: 'istio-injection', operator: 'In', values: ['enabled'] },
          ],
        },
        { matchExpressions: [notOptedOut] },
      ),
      injectorWebhook(
        'object.',
        istiodService,
        {
          matchExpressions: [
            { key: 'istio-injection', operator: 'DoesNotExist' },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
        {
          matchExpressions: [
            {
              key: 'sidecar.istio.io/inject',
              operator: 'In',
              values: ['true'],
            },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
      ),
    );
  }
  const name = tag
    ? `istio-revision-tag-${tag}`
    : `istio-sidecar-injector${revision === 'default' ? '' : `-${revision}`}`;
  const labels: Record<string, string> = { [ISTIO_REVISION_LABEL]: revision };
  if (tag) {
    labels[ISTIO_TAG_LABEL] = tag;
  }
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels },
    webhooks,
  };
}

/**
 * Upstream Istio with revisions `default` (1.24.2, the default) and
 * `canary` (1.25.0, tag `prod-stable`), and the samples' httpbin, sleep and
 * helloworld in namespace `demo`, whose pods run the default revision.
 */
export function istioScenario(
  demoLabels: Record<string, string> = { 'istio-injection': 'enabled' },
) {
  const httpbin = sampleObject<Workload>('httpbin.yaml', 'Deployment', 'demo');
  const sleep = sampleObject<Workload>('sleep.yaml', 'Deployment', 'demo');
  const helloworld = loadSample('helloworld.yaml')
    .filter(o => o.kind === 'Deployment')
    .map(
      o =>
        ({ ...o, metadata: { ...o.metadata, namespace: 'demo' } } as Workload),
    );
  const services = ['httpbin.yaml', 'sleep.yaml', 'helloworld.yaml'].map(f =>
    sampleObject<Service>(f, 'Service', 'demo'),
  );
  const snapshot: ClusterSnapshot = {
    cluster: 'dev',
    namespaces: [
      namespace('istio-system'),
      namespace('demo', demoLabels, '77'),
      namespace('other'),
      namespace('kube-system'),
    ],
    workloads: [
      istiodDeployment('default', '1.24.2'),
      istiodDeployment('canary', '1.25.0'),
      httpbin,
      sleep,
      ...helloworld,
    ],
    pods: [
      podOf(httpbin, 'a', { proxy: { version: '1.24.2' } }),
      podOf(sleep, 'a', { proxy: { version: '1.24.2' } }),
      ...helloworld.map(h => podOf(h, 'a', { proxy: { version: '1.24.2' } })),
    ],
    services: [
      ...services,
      service('istiod', 'istio-system', [{ name: 'grpc-xds', port: 15010 }]),
      service('other-a', 'other'),
      service('other-b', 'other'),
    ],
    mutatingWebhookConfigurations: [
      injectorWebhookConfiguration({ revision: 'default', isDefault: true }),
      injectorWebhookConfiguration({ revision: 'canary' }),
      injectorWebhookConfiguration({ revision: 'canary', tag: 'prod-stable' }),
    ],
    sidecars: [],
  };
  return { snapshot, httpbin, sleep, helloworld };
}
