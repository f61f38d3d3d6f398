import { apiVersionOf, objectJson } from '../objects';
import { notFound } from '../status';
import { toTable } from '../table';
import { ApiError, KubeObject } from '../types';
import { ResourceCall } from './resourceCall';
import { Answer, jsonAnswer } from './transport';

/** One object, or a one-row Table when the client asked for one. */
export function objectAnswer(
  call: ResourceCall,
  code: number,
  object: KubeObject,
): Answer {
  const presented = call.present(object);
  const { tableVersion, includeObject } = call;
  return jsonAnswer(
    tableVersion && call.method === 'GET'
      ? toTable(call.resource, [presented], { tableVersion, includeObject })
      : presented,
    code,
  );
}

export function serveGet(call: ResourceCall): Answer {
  const object = call.store.get(call.resource, call.namespace, call.name!);
  if (!object) {
    throw notFound(call.resource, call.name!);
  }
  return objectAnswer(call, 200, object);
}

/** Sorted as etcd keys sort, so pages and kubectl output are stable. */
function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

interface ContinueToken {
  rv: string;
  after: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof token.rv === 'string' && typeof token.after === 'string') {
      return token;
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, 'BadRequest', 'invalid continue token');
}

/** A LIST, paged by `limit` and `continue`, as JSON or a Table. */
export function serveList(call: ResourceCall): Answer {
  const { store, resource, query, tableVersion, includeObject } = call;
  const snapshot = store.snapshot(resource, call.listOptions);
  // Keys computed once, not per comparison: lists can hold 10,000 items.
  const sorted = snapshot.items
    .map(object => ({ object, key: objectKey(object) }))
    .sort((a, b) => {
      if (a.key < b.key) return -1;
      return a.key > b.key ? 1 : 0;
    })
    .map(entry => entry.object);
  let listResourceVersion = snapshot.resourceVersion;
  let remaining = sorted;
  const continueParam = query.get('continue');
  if (continueParam) {
    const token = decodeContinue(continueParam);
    if (Number(token.rv) < store.compactedResourceVersion()) {
      throw new ApiError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    listResourceVersion = token.rv;
    remaining = sorted.filter(object => objectKey(object) > token.after);
  }
  const limit = Number(query.get('limit')) || 0;
  const page = limit > 0 ? remaining.slice(0, limit) : remaining;
  const more = page.length < remaining.length;
  const metadata = {
    resourceVersion: listResourceVersion,
    ...(more && {
      continue: encodeContinue({
        rv: listResourceVersion,
        after: objectKey(page[page.length - 1]),
      }),
      remainingItemCount: remaining.length - page.length,
    }),
  };
  if (tableVersion) {
    return jsonAnswer(
      toTable(resource, page.map(call.present), {
        tableVersion,
        includeObject,
        listMetadata: metadata,
      }),
    );
  }
  const head = JSON.stringify({
    kind: `${resource.kind}List`,
    apiVersion: apiVersionOf(resource.group, call.version),
    metadata,
  });
  const items = page.map(object => objectJson(call.present(object))).join(',');
  return { code: 200, text: `${head.slice(0, -1)},"items":[${items}]}` };
}
