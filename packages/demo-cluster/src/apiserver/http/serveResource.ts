import { methodNotAllowed } from '../status';
import { servePodLogs } from './podLogs';
import { serveGet, serveList } from './readHandlers';
import { ResourceCall } from './resourceCall';
import { serveScale } from './scale';
import { Answer } from './transport';
import {
  serveCreate,
  serveDelete,
  serveDeleteCollection,
  servePatch,
  serveUpdate,
} from './writeHandlers';

/** Serves every verb but watch, which streams (see watch.ts). */
export async function serveResource(call: ResourceCall): Promise<Answer> {
  if (call.subresource === 'scale') {
    return serveScale(call);
  }
  if (call.subresource === 'log') {
    return servePodLogs(call);
  }
  switch (call.verb) {
    case 'get':
      return serveGet(call);
    case 'list':
      return serveList(call);
    case 'create':
      return serveCreate(call);
    case 'update':
      return serveUpdate(call);
    case 'patch':
      return servePatch(call);
    case 'delete':
      return serveDelete(call);
    case 'deletecollection':
      return serveDeleteCollection(call);
    default:
      throw methodNotAllowed(`method ${call.method} is not allowed`);
  }
}
