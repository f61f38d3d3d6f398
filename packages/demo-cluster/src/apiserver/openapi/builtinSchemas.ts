/*
 * OpenAPI v3 schemas of the built-in kinds the demo cluster serves, for
 * `kubectl explain`. They list the fields our scenarios, the plugins and a
 * runbook use, with short descriptions (apps and admission kinds are in
 * appsSchemas.ts); they are not the full upstream schemas, and nothing is
 * validated against them. Every other built-in kind gets `spec` and `status`
 * as open objects.
 */

import {
  APPS,
  CORE,
  META,
  list,
  object,
  open,
  ref,
  Schema,
  str,
  stringMap,
  strings,
  bool,
} from './schemaDsl';
import { APPS_SCHEMAS, TOP_LEVEL_FIELDS } from './appsSchemas';

export type { Schema } from './schemaDsl';

/** The schemas every document shares: ObjectMeta and its parts. */
const SHARED: Record<string, Schema> = {
  [`${META}.ObjectMeta`]: object(
    'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    {
      name: str('Name must be unique within a namespace. Cannot be updated.'),
      generateName: str(
        'A prefix the server uses to generate a unique name when name is not given.',
      ),
      namespace: str(
        'The namespace the object lives in; empty for cluster-scoped objects.',
      ),
      uid: str('The unique identity the server gives the object on creation.'),
      resourceVersion: str(
        'An opaque value that changes with every write, for optimistic concurrency and watches.',
      ),
      generation: {
        type: 'integer',
        format: 'int64',
        description: 'A sequence number of changes to the desired state.',
      },
      creationTimestamp: ref(
        `${META}.Time`,
        'When the server created the object (RFC 3339).',
      ),
      deletionTimestamp: ref(
        `${META}.Time`,
        'When the object will be deleted; set by the server when deletion is requested.',
      ),
      labels: stringMap(
        'Keys and values that select and organise objects (selectors match them).',
      ),
      annotations: stringMap(
        'Keys and values that tools store on the object; not used for selection.',
      ),
      ownerReferences: list(
        `${META}.OwnerReference`,
        'The objects this one depends on; it is garbage-collected when they are all gone.',
      ),
      finalizers: strings(
        'Must be empty before the object is deleted from storage.',
      ),
    },
  ),
  [`${META}.OwnerReference`]: object(
    'Identifies an owning object, in the same namespace.',
    {
      apiVersion: str('API version of the owner.'),
      kind: str('Kind of the owner.'),
      name: str('Name of the owner.'),
      uid: str('UID of the owner.'),
      controller: bool('Whether the owner is the managing controller.'),
      blockOwnerDeletion: bool(
        'Whether the owner cannot be deleted from storage before this object is.',
      ),
    },
    ['apiVersion', 'kind', 'name', 'uid'],
  ),
  [`${META}.Time`]: {
    type: 'string',
    format: 'date-time',
    description: 'A timestamp in RFC 3339 form.',
  },
  [`${META}.LabelSelector`]: object(
    'A label query over a set of resources; matchLabels and matchExpressions are ANDed.',
    {
      matchLabels: stringMap('Labels an object must carry, all of them.'),
      matchExpressions: {
        type: 'array',
        items: open(
          'A key, an operator (In, NotIn, Exists, DoesNotExist) and values.',
        ),
        description: 'Label requirements, all of them.',
      },
    },
  ),
};

const CORE_SCHEMAS: Record<string, Schema> = {
  [`${CORE}.PodSpec`]: object(
    'The desired state of a pod: its containers, volumes and scheduling.',
    {
      containers: list(
        `${CORE}.Container`,
        'The containers of the pod. There must be at least one; names must be unique across containers and init containers.',
      ),
      initContainers: list(
        `${CORE}.Container`,
        'Containers that run to completion, in order, before the app containers start. A native sidecar is an init container with restartPolicy Always.',
      ),
      serviceAccountName: str('The service account the pod runs as.'),
      nodeName: str('The node the pod is bound to; set by the scheduler.'),
      nodeSelector: stringMap(
        'Labels a node must carry for the pod to run there.',
      ),
      restartPolicy: str('Always, OnFailure or Never.', {
        enum: ['Always', 'Never', 'OnFailure'],
      }),
      terminationGracePeriodSeconds: {
        type: 'integer',
        format: 'int64',
        description: 'How long the pod has to stop gracefully.',
      },
      volumes: {
        type: 'array',
        items: open(
          'A named volume: emptyDir, configMap, secret, projected, ...',
        ),
        description: 'Volumes the containers can mount.',
      },
    },
    ['containers'],
  ),
  [`${CORE}.Container`]: object(
    'A single application container of a pod.',
    {
      name: str('The name of the container, a DNS label, unique in the pod.'),
      image: str('The container image.'),
      command: strings('The entrypoint, replacing the image’s ENTRYPOINT.'),
      args: strings('Arguments to the entrypoint.'),
      ports: {
        type: 'array',
        items: open('A named containerPort with its protocol.'),
        description: 'Ports the container exposes.',
      },
      env: {
        type: 'array',
        items: open('A name and a value or valueFrom.'),
        description: 'Environment variables of the container.',
      },
      resources: open('Compute resources: requests and limits.'),
      readinessProbe: open('When the container is ready to serve traffic.'),
      restartPolicy: str(
        'For init containers only: Always makes it a native sidecar that runs for the life of the pod.',
      ),
    },
    ['name'],
  ),
  [`${CORE}.PodStatus`]: object(
    'The most recently observed state of a pod. Read-only.',
    {
      phase: str('Pending, Running, Succeeded, Failed or Unknown.', {
        enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
      }),
      podIP: str('The IP address of the pod.'),
      conditions: {
        type: 'array',
        items: open('A condition: type (Ready, ...), status and reason.'),
        description: 'The current service state of the pod.',
      },
      containerStatuses: {
        type: 'array',
        items: open('The state, readiness and restart count of a container.'),
        description: 'One entry per container of the spec.',
      },
    },
  ),
  [`${CORE}.PodTemplateSpec`]: object(
    'The pods a workload creates: their metadata and spec.',
    {
      metadata: ref(`${META}.ObjectMeta`, 'Metadata of the pods.'),
      spec: ref(`${CORE}.PodSpec`, 'The spec of the pods.'),
    },
  ),
  [`${CORE}.ServiceSpec`]: object('The desired state of a service.', {
    selector: stringMap('Traffic goes to the pods whose labels match.'),
    ports: {
      type: 'array',
      items: open('A port, its protocol, name and targetPort.'),
      description: 'The ports the service exposes.',
    },
    type: str('ClusterIP, NodePort, LoadBalancer or ExternalName.', {
      enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    }),
    clusterIP: str('The IP address of the service; assigned by the server.'),
  }),
  [`${CORE}.NamespaceSpec`]: object('The desired state of a namespace.', {
    finalizers: strings('Must be empty before the namespace is removed.'),
  }),
  [`${CORE}.NamespaceStatus`]: object('The observed state of a namespace.', {
    phase: str('Active or Terminating.', { enum: ['Active', 'Terminating'] }),
  }),
};

/** The spec and status schema names of a built-in kind, by `group/version/kind`. */
const PARTS: Record<string, { spec?: string; status?: string }> = {
  'v1/Pod': { spec: `${CORE}.PodSpec`, status: `${CORE}.PodStatus` },
  'v1/Service': { spec: `${CORE}.ServiceSpec` },
  'v1/Namespace': {
    spec: `${CORE}.NamespaceSpec`,
    status: `${CORE}.NamespaceStatus`,
  },
  'apps/v1/Deployment': {
    spec: `${APPS}.DeploymentSpec`,
    status: `${APPS}.DeploymentStatus`,
  },
  'apps/v1/ReplicaSet': { spec: `${APPS}.ReplicaSetSpec` },
  'apps/v1/StatefulSet': { spec: `${APPS}.StatefulSetSpec` },
  'apps/v1/DaemonSet': { spec: `${APPS}.DaemonSetSpec` },
};

/** Every named schema a built-in kind's document may refer to. */
export const BUILTIN_SCHEMAS: Record<string, Schema> = {
  ...SHARED,
  ...CORE_SCHEMAS,
  ...APPS_SCHEMAS,
};

/** The schema name the apiserver gives a built-in kind: `io.k8s.api.apps.v1.Deployment`. */
export function builtinSchemaName(
  group: string,
  version: string,
  kind: string,
): string {
  const package_ = group ? group.replace(/\.k8s\.io$/, '') : 'core';
  return group.includes('.') && !group.endsWith('.k8s.io')
    ? `${group.split('.').reverse().join('.')}.${version}.${kind}`
    : `io.k8s.api.${package_.replace(/\./g, '')}.${version}.${kind}`;
}

/** The top-level schema of a built-in kind, referring to BUILTIN_SCHEMAS. */
export function builtinKindSchema(
  group: string,
  version: string,
  kind: string,
): Schema {
  const apiVersion = group ? `${group}/${version}` : version;
  const parts = PARTS[`${apiVersion}/${kind}`] ?? {};
  const properties: Record<string, Schema> = {
    apiVersion: str(
      'APIVersion defines the versioned schema of this representation of an object.',
    ),
    kind: str(
      'Kind is a string value representing the REST resource this object represents.',
    ),
    metadata: ref(`${META}.ObjectMeta`, "Standard object's metadata."),
  };
  if (kind === 'ConfigMap') {
    properties.data = stringMap('Configuration data, as UTF-8 strings.');
    properties.binaryData = stringMap(
      'Configuration data, base64-encoded bytes.',
    );
  } else if (kind === 'Secret') {
    properties.data = stringMap('Secret data, base64-encoded.');
    properties.stringData = stringMap('Secret data as strings; write-only.');
    properties.type = str('The type of secret, e.g. Opaque.');
  } else if (TOP_LEVEL_FIELDS[`${apiVersion}/${kind}`]) {
    Object.assign(properties, TOP_LEVEL_FIELDS[`${apiVersion}/${kind}`]);
  } else if (kind !== 'Event' && kind !== 'Endpoints') {
    properties.spec = parts.spec
      ? ref(parts.spec, `The desired state of the ${kind}.`)
      : open(`The desired state of the ${kind}.`);
    properties.status = parts.status
      ? ref(
          parts.status,
          `The most recently observed state of the ${kind}. Read-only.`,
        )
      : open(`The most recently observed state of the ${kind}. Read-only.`);
  }
  return {
    type: 'object',
    description: `${kind} as the demo cluster serves it (${apiVersion}).`,
    properties,
  };
}
