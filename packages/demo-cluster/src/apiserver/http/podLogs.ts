import { notFound } from '../status';
import { ApiError } from '../types';
import { ResourceCall } from './resourceCall';
import { Answer } from './transport';

interface Container {
  name: string;
  image?: string;
}

/**
 * `pods/<name>/log`: the demo cluster runs no containers, so it keeps no
 * output; it answers with a few simulated lines saying so, after the checks
 * the kubelet's log endpoint makes (the container must be named when there
 * are several, and must exist).
 */
export function servePodLogs(call: ResourceCall): Answer {
  if (call.verb !== 'get') {
    throw new ApiError(405, 'MethodNotAllowed', 'pods/log only serves get');
  }
  const pod = call.store.get(call.resource, call.namespace, call.name!);
  if (!pod) throw notFound(call.resource, call.name!);
  const spec = (pod.spec ?? {}) as {
    containers?: Container[];
    initContainers?: Container[];
  };
  const containers = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ];
  const wanted = call.query.get('container');
  const names = (spec.containers ?? []).map(c => c.name);
  if (!wanted && names.length > 1) {
    throw new ApiError(
      400,
      'BadRequest',
      `a container name must be specified for pod ${
        call.name
      }, choose one of: [${names.join(' ')}]`,
    );
  }
  const container = containers.find(c => c.name === (wanted ?? names[0]));
  if (!container) {
    throw new ApiError(
      400,
      'BadRequest',
      `container ${wanted} is not valid for pod ${call.name}`,
    );
  }
  const started = pod.metadata.creationTimestamp ?? new Date().toISOString();
  const lines = [
    `${started} demo-cluster: container ${container.name} (image ${
      container.image ?? 'unknown'
    }) of pod ${call.namespace}/${call.name} is simulated`,
    `${started} demo-cluster: logs are not kept by the demo cluster`,
  ];
  return {
    code: 200,
    text: `${lines.join('\n')}\n`,
    contentType: 'text/plain',
  };
}
