import { applyPatch } from '../patch';
import { methodNotAllowed, notFound } from '../status';
import { ApiError, KubeObject } from '../types';
import { ResourceCall } from './resourceCall';
import { Answer, jsonAnswer, parseBody } from './transport';

interface ScaleRequest {
  metadata?: { resourceVersion?: string };
  spec?: { replicas?: number };
}

/** The autoscaling/v1 Scale view of a workload's spec.replicas. */
function scaleOf(object: KubeObject) {
  const spec = (object.spec ?? {}) as {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
  };
  const status = (object.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: {
      replicas: status.replicas ?? 0,
      selector: Object.entries(spec.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  };
}

/** GET, PUT and PATCH of the `scale` subresource. */
export async function serveScale(call: ResourceCall): Promise<Answer> {
  const { store, resource, namespace, name, method } = call;
  const current = store.get(resource, namespace, name!);
  if (!current) {
    throw notFound(resource, name!);
  }
  if (method === 'GET') {
    return jsonAnswer(scaleOf(current));
  }
  let desired: ScaleRequest;
  if (method === 'PUT') {
    desired = (await call.body()) as ScaleRequest;
  } else if (method === 'PATCH') {
    desired = applyPatch(
      scaleOf(current) as unknown as KubeObject,
      call.req.headers['content-type'] ?? '',
      parseBody(await call.rawBody(), 'json'),
    ) as ScaleRequest;
  } else {
    throw methodNotAllowed(`method ${method} is not allowed on scale`);
  }
  const replicas = desired?.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0) {
    throw new ApiError(
      422,
      'Invalid',
      'Scale.spec.replicas: Invalid value: must be a non-negative integer',
    );
  }
  const updated = store.update(
    resource,
    {
      ...current,
      metadata: {
        ...current.metadata,
        resourceVersion:
          desired.metadata?.resourceVersion ?? current.metadata.resourceVersion,
      },
      spec: { ...(current.spec as object), replicas },
    },
    { dryRun: call.dryRun },
  );
  return jsonAnswer(scaleOf(updated));
}
