import type {
  JsonPatchOperation,
  KubeOperation,
  MeshActionResponse,
} from '@mesh-backstage/plugin-service-mesh-common';
import { parseDocument } from 'yaml';

/*
 * An OSSM 2 member roll is one list shared by every team on the cluster. A
 * plan that edits it carries the whole list (in `test` preconditions and in
 * the resulting YAML), but the person asking only needs their own
 * namespaces; the others are their number. The plan applied is the full
 * one; only the answer is trimmed.
 */

const SHARED_LISTS: Record<string, string[]> = {
  ServiceMeshMemberRoll: ['spec', 'members'],
};

function others(list: unknown, own: Set<string>): string[] {
  return Array.isArray(list)
    ? list.filter((x): x is string => typeof x === 'string' && !own.has(x))
    : [];
}

function trimOperation(
  operation: KubeOperation,
  own: Set<string>,
): KubeOperation {
  const listPath = SHARED_LISTS[operation.kind];
  if (!listPath) return operation;
  const pointer = `/${listPath.join('/')}`;
  const hiddenNames = new Set<string>();
  // Preconditions that name other teams' namespaces stay on the server.
  const patch = operation.patch?.filter((p: JsonPatchOperation) => {
    if (p.op !== 'test' || !p.path.startsWith(pointer)) return true;
    const values = Array.isArray(p.value) ? p.value : [p.value];
    const hidden = others(values, own);
    hidden.forEach(name => hiddenNames.add(name));
    return hidden.length === 0;
  });
  const changes = operation.changes?.filter(
    c =>
      !(c.item && c.path.join('/') === listPath.join('/')) ||
      own.has(String(c.after ?? c.before)),
  );
  let resultYaml = operation.resultYaml;
  let otherNamespaces = 0;
  if (resultYaml) {
    const document = parseDocument(resultYaml);
    const list = document.getIn(listPath);
    const names = others((list as any)?.toJSON?.(), own);
    otherNamespaces = names.length;
    if (names.length) {
      const kept = ((list as any).toJSON() as unknown[]).filter(
        x => typeof x !== 'string' || own.has(x),
      );
      const node = document.createNode(kept);
      document.setIn(listPath, node);
      node.comment = ` and ${names.length} other ${
        names.length === 1 ? 'namespace' : 'namespaces'
      }, not shown`;
      resultYaml = document.toString({ lineWidth: 0 });
    }
  }
  let object = operation.object as Record<string, any> | undefined;
  const members: unknown = object?.spec?.members;
  if (object && Array.isArray(members)) {
    otherNamespaces ||= others(members, own).length;
    object = {
      ...object,
      spec: {
        ...object.spec,
        members: members.filter(x => own.has(String(x))),
      },
    };
  }
  return {
    ...operation,
    ...(patch && { patch }),
    ...(changes && { changes }),
    ...(object && { object }),
    resultYaml,
    ...(otherNamespaces > 0 && {
      otherNamespaces: Math.max(otherNamespaces, hiddenNames.size),
    }),
  };
}

/**
 * The answer to an action as the asker may see it: shared lists keep only
 * `ownNamespaces` (the entity's namespaces, as the server resolved them)
 * and count the rest.
 */
export function withoutOtherNamespaces<R extends MeshActionResponse>(
  response: R,
  ownNamespaces: string[],
): R {
  const own = new Set(ownNamespaces);
  return {
    ...response,
    change: {
      ...response.change,
      operations: response.change.operations.map(o => trimOperation(o, own)),
    },
  };
}
