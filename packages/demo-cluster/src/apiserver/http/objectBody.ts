import { badRequest } from '../status';
import { KubeObject } from '../types';
import { ResourceCall } from './resourceCall';

/** Checks a create/update/apply body against the URL it was sent to. */
export function objectBody(body: unknown, call: ResourceCall): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object');
  }
  const object = body as KubeObject;
  object.metadata = object.metadata ?? {};
  const { resource, namespace } = call;
  if (resource.namespaced && namespace) {
    if (object.metadata.namespace && object.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    object.metadata.namespace = namespace;
  }
  if (object.kind && object.kind !== resource.kind) {
    throw badRequest(
      `the kind of the provided object (${object.kind}) does not match the resource (${resource.kind})`,
    );
  }
  return object;
}
