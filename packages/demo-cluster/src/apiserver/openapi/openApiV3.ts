import { createHash } from 'node:crypto';
import { SERVER_VERSION } from '../discovery';
import { servedVersions } from '../objects';
import { pathNotFound } from '../status';
import { KubeObject, ResourceType } from '../types';
import {
  BUILTIN_SCHEMAS,
  builtinKindSchema,
  builtinSchemaName,
  Schema,
} from './builtinSchemas';
import { realCrdSchema } from './realCrdSchemas';

/*
 * OpenAPI v3, as `kubectl explain` (1.27 on) reads it: an index of
 * group-versions at /openapi/v3, and one document per group-version with a
 * path per resource (its GET names the kind) and a schema per kind tagged
 * with x-kubernetes-group-version-kind. Built-in kinds come from
 * builtinSchemas.ts; a CRD's kind from its own schema, or the upstream one
 * when it was installed with an open schema.
 *
 * The PATCH operations take `dryRun` (kubectl's dry-run check) and carry no
 * request body, so kubectl builds strategic merge patches as before, from its
 * own types, and never from these abbreviated schemas.
 */

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

interface CrdVersion {
  name: string;
  schema?: { openAPIV3Schema?: Schema };
}

const gvPath = (group: string, version: string) =>
  group ? `apis/${group}/${version}` : `api/${version}`;

/** A schema that leaves spec and status open, as the mesh CRDs are installed. */
function isOpen(schema: Schema | undefined): boolean {
  const spec = (schema?.properties as Record<string, Schema> | undefined)?.spec;
  return !schema || !spec || !spec.properties;
}

export function crdKindSchema(crds: KubeObject[], gvk: Gvk): Schema {
  const crd = crds.find(
    candidate =>
      (candidate.spec as { group?: string })?.group === gvk.group &&
      (candidate.spec as { names?: { kind?: string } })?.names?.kind ===
        gvk.kind,
  );
  const versions = ((crd?.spec as { versions?: CrdVersion[] })?.versions ??
    []) as CrdVersion[];
  const stored = versions.find(v => v.name === gvk.version)?.schema
    ?.openAPIV3Schema;
  const schema = (isOpen(stored) &&
    realCrdSchema(gvk.group, gvk.version, gvk.kind)) ||
    stored || { type: 'object' };
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  // The apiextensions server publishes metadata as a reference to ObjectMeta.
  return {
    ...schema,
    properties: {
      ...properties,
      metadata: {
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
          },
        ],
        description: "Standard object's metadata.",
      },
    },
  };
}

export function isBuiltin(resource: ResourceType, crds: KubeObject[]): boolean {
  return !crds.some(
    crd =>
      (crd.spec as { group?: string })?.group === resource.group &&
      (crd.spec as { names?: { plural?: string } })?.names?.plural ===
        resource.plural,
  );
}

function paths(resource: ResourceType, gvk: Gvk): Record<string, unknown> {
  const base = `/${gvPath(gvk.group, gvk.version)}${
    resource.namespaced ? '/namespaces/{namespace}' : ''
  }/${resource.plural}`;
  const operation = (action: string) => ({
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  return {
    [base]: { get: operation('list'), post: operation('post') },
    [`${base}/{name}`]: {
      get: operation('get'),
      delete: operation('delete'),
      patch: {
        ...operation('patch'),
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        ],
      },
    },
  };
}

/** The document of one group-version, or undefined when nothing serves it. */
export function groupVersionDocument(
  resources: ResourceType[],
  crds: KubeObject[],
  group: string,
  version: string,
) {
  const served = resources.filter(
    r => r.group === group && servedVersions(r).includes(version),
  );
  if (served.length === 0) return undefined;
  const documentPaths: Record<string, unknown> = {};
  const schemas: Record<string, Schema> = {};
  for (const resource of served) {
    const gvk = { group, version, kind: resource.kind };
    Object.assign(documentPaths, paths(resource, gvk));
    const schema = isBuiltin(resource, crds)
      ? builtinKindSchema(group, version, resource.kind)
      : crdKindSchema(crds, gvk);
    schemas[builtinSchemaName(group, version, resource.kind)] = {
      ...schema,
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: documentPaths,
    components: {
      // ObjectMeta (every kind refers to it) and the parts of built-in kinds.
      schemas: { ...BUILTIN_SCHEMAS, ...schemas },
    },
  };
}

function groupVersions(resources: ResourceType[]): Array<[string, string]> {
  const seen = new Map<string, [string, string]>();
  for (const resource of resources) {
    for (const version of servedVersions(resource)) {
      seen.set(gvPath(resource.group, version), [resource.group, version]);
    }
  }
  return [...seen.values()];
}

/** Answers `/openapi/v3` (the index) and `/openapi/v3/<api|apis/...>`. */
export function openApiV3(
  path: string,
  resources: ResourceType[],
  crds: KubeObject[],
): unknown {
  if (path === '/openapi/v3') {
    return {
      paths: Object.fromEntries(
        groupVersions(resources).map(([group, version]) => {
          const document = groupVersionDocument(
            resources,
            crds,
            group,
            version,
          );
          // The hash changes with the content, so clients' caches follow CRDs.
          const hash = createHash('sha512')
            .update(JSON.stringify(document))
            .digest('hex')
            .slice(0, 128)
            .toUpperCase();
          const key = gvPath(group, version);
          return [
            key,
            { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` },
          ];
        }),
      ),
    };
  }
  const core = /^\/openapi\/v3\/api\/([^/]+)$/.exec(path);
  const named = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  let document;
  if (core) document = groupVersionDocument(resources, crds, '', core[1]);
  else if (named) {
    document = groupVersionDocument(resources, crds, named[1], named[2]);
  }
  if (!document) throw pathNotFound();
  return document;
}
