import { badRequest, methodNotAllowed, successStatus } from '../status';
import { DeleteOptions, PatchType } from '../types';
import { serveApply } from './applyHandler';
import { objectBody } from './objectBody';
import { objectAnswer } from './readHandlers';
import { ResourceCall } from './resourceCall';
import { Answer, jsonAnswer, parseBody } from './transport';

export async function serveCreate(call: ResourceCall): Promise<Answer> {
  const body = objectBody(await call.body(), call);
  if (call.resource.namespaced && !call.namespace) {
    throw methodNotAllowed(
      `the server does not allow this method on the requested resource: create ${call.resource.plural} needs a namespace`,
    );
  }
  return objectAnswer(
    call,
    201,
    call.store.create(call.resource, body, { dryRun: call.dryRun }),
  );
}

export async function serveUpdate(call: ResourceCall): Promise<Answer> {
  const body = objectBody(await call.body(), call);
  if (body.metadata.name !== call.name) {
    throw badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${call.name})`,
    );
  }
  const options = { dryRun: call.dryRun };
  const updated =
    call.subresource === 'status'
      ? call.store.updateStatus(call.resource, body, options)
      : call.store.update(call.resource, body, options);
  return objectAnswer(call, 200, updated);
}

export async function servePatch(call: ResourceCall): Promise<Answer> {
  const contentType = (call.req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  if (contentType === 'application/apply-patch+yaml') {
    // Before the lookup: an apply creates what does not exist.
    return serveApply(call);
  }
  const patch = parseBody(await call.rawBody(), 'json');
  const patched = call.store.patch(
    call.resource,
    call.namespace,
    call.name!,
    contentType as PatchType,
    patch ?? {},
    {
      dryRun: call.dryRun,
      subresource: call.subresource === 'status' ? 'status' : undefined,
    },
  );
  return objectAnswer(call, 200, patched);
}

export async function serveDelete(call: ResourceCall): Promise<Answer> {
  const body = ((await call.body()) ?? {}) as {
    propagationPolicy?: DeleteOptions['propagationPolicy'];
    preconditions?: DeleteOptions['preconditions'];
    dryRun?: string[];
  };
  const deleted = call.store.delete(call.resource, call.namespace, call.name!, {
    dryRun: call.dryRun || (body.dryRun ?? []).includes('All'),
    propagationPolicy:
      (call.query.get(
        'propagationPolicy',
      ) as DeleteOptions['propagationPolicy']) ?? body.propagationPolicy,
    preconditions: body.preconditions,
  });
  return objectAnswer(call, 200, deleted);
}

export function serveDeleteCollection(call: ResourceCall): Answer {
  const { store, resource } = call;
  const { items } = store.snapshot(resource, call.listOptions);
  for (const item of [...items]) {
    // Deleting one may have collected another already.
    if (store.get(resource, item.metadata.namespace, item.metadata.name!)) {
      store.delete(resource, item.metadata.namespace, item.metadata.name!, {
        dryRun: call.dryRun,
      });
    }
  }
  return jsonAnswer(successStatus());
}
