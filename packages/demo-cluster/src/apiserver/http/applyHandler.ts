import { apiVersionOf, timestamp } from '../objects';
import { badRequest, unsupportedMediaType } from '../status';
import { fieldManagerRequired, serverSideApply } from '../serverSideApply';
import { objectAnswer } from './readHandlers';
import { ResourceCall } from './resourceCall';
import { Answer, parseBody } from './transport';
import { objectBody } from './objectBody';

/**
 * PATCH with `application/apply-patch+yaml`: creates the object when it does
 * not exist (201), else merges the configuration as its field manager (200).
 * Both go through create or update, so validation, admission, dry run and
 * watches hold as for any write.
 */
export async function serveApply(call: ResourceCall): Promise<Answer> {
  if (call.subresource) {
    throw unsupportedMediaType(
      `server-side apply of the ${call.subresource} subresource is not supported by the demo cluster; apply the object itself`,
    );
  }
  const manager = call.query.get('fieldManager');
  if (!manager) throw fieldManagerRequired();
  // kubectl sends JSON, which is YAML too.
  const config = objectBody(
    parseBody(await call.rawBody(), 'application/yaml'),
    call,
  );
  const apiVersion = apiVersionOf(call.resource.group, call.version);
  if (config.apiVersion !== apiVersion || config.kind !== call.resource.kind) {
    throw badRequest(
      `an apply configuration needs apiVersion ${apiVersion} and kind ${call.resource.kind}`,
    );
  }
  if (config.metadata.name !== call.name) {
    throw badRequest(
      `the name of the object (${config.metadata.name}) does not match the name on the URL (${call.name})`,
    );
  }
  const { store, resource, dryRun } = call;
  const live = store.get(resource, call.namespace, call.name!);
  const object = serverSideApply({
    resource,
    apiVersion,
    live,
    config,
    manager,
    force: call.query.get('force') === 'true',
    now: timestamp(new Date()),
  });
  if (!live) {
    return objectAnswer(call, 201, store.create(resource, object, { dryRun }));
  }
  object.metadata.resourceVersion = live.metadata.resourceVersion;
  return objectAnswer(call, 200, store.update(resource, object, { dryRun }));
}
