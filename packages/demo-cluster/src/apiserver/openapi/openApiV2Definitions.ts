import { servedVersions } from '../objects';
import { KubeObject, ResourceType } from '../types';
import { builtinSchemaName } from './builtinSchemas';
import { crdKindSchema, isBuiltin } from './openApiV3';
import { Schema } from './schemaDsl';

/*
 * The swagger 2.0 definitions of /openapi/v2, which kubectl before 1.27
 * explains from. Only custom resource kinds get one, from the same schema as
 * their v3 document: kubectl 1.20 also validates every manifest against
 * these definitions, and builds `apply` patches of built-in kinds from them
 * (their patch strategies and merge keys) instead of from its own types, so
 * our abbreviated built-in schemas would reject real fields and make apply
 * replace lists it should merge. Custom resources are patched with JSON merge
 * patches whatever the schema says.
 *
 * The conversion is lenient, as the apiextensions server's v2 publishing: a
 * node kubectl cannot check (preserved unknown fields, int-or-string,
 * anyOf/oneOf/allOf, an object without properties and no value schema)
 * accepts any value, and `required` is left out, so client-side validation
 * (kubectl 1.20, and later ones, since the demo cluster offers no server-side
 * field validation) only rejects a field the schema does not list. A null
 * field is never checked by kubectl, so `nullable` keeps its type.
 */

const PRIMITIVES = ['string', 'integer', 'number', 'boolean'];

function isUncheckable(schema: Schema): boolean {
  return Boolean(
    schema['x-kubernetes-preserve-unknown-fields'] === true ||
      schema['x-kubernetes-int-or-string'] === true ||
      schema.anyOf ||
      schema.oneOf ||
      schema.allOf ||
      schema.not ||
      schema.$ref,
  );
}

/** One v3 (CRD) schema as a v2 schema kubectl 1.20's parser accepts. */
export function toV2Schema(schema: Schema): Schema {
  const converted: Schema = {};
  if (typeof schema.description === 'string') {
    converted.description = schema.description;
  }
  const { type, items, properties, additionalProperties } = schema;
  if (isUncheckable(schema) || typeof type !== 'string') return converted;
  if (type === 'array') {
    // kubectl's parser refuses an array without exactly one item schema.
    if (!items || typeof items !== 'object' || Array.isArray(items)) {
      return converted;
    }
    return { ...converted, type, items: toV2Schema(items as Schema) };
  }
  if (type === 'object') {
    const fields = Object.entries((properties ?? {}) as Record<string, Schema>);
    if (fields.length > 0) {
      return {
        ...converted,
        type,
        properties: Object.fromEntries(
          fields.map(([name, value]) => [name, toV2Schema(value)]),
        ),
      };
    }
    if (additionalProperties && typeof additionalProperties === 'object') {
      return {
        ...converted,
        type,
        additionalProperties: toV2Schema(additionalProperties as Schema),
      };
    }
    return converted;
  }
  if (!PRIMITIVES.includes(type)) return converted;
  return {
    ...converted,
    type,
    ...(typeof schema.format === 'string' && { format: schema.format }),
  };
}

/** The top of a kind: apiVersion and kind always listed, metadata and status open. */
function kindDefinition(schema: Schema, gvk: Schema): Schema {
  const converted = toV2Schema(schema);
  const properties = converted.properties as Record<string, Schema> | undefined;
  const top: Schema = properties
    ? {
        ...converted,
        properties: {
          apiVersion: {
            type: 'string',
            description:
              'APIVersion defines the versioned schema of this representation of an object.',
          },
          kind: {
            type: 'string',
            description:
              'Kind is a string value representing the REST resource this object represents.',
          },
          ...properties,
          // The abbreviated ObjectMeta must not reject real metadata.
          metadata: { description: "Standard object's metadata." },
          // Writes ignore status, and the operators the demo cluster plays
          // write status fields of other releases than the schema's (OSSM 1's
          // SMCP `status.readiness`): `kubectl replace` of a read object must
          // not be refused for them.
          ...(properties.status && {
            status: { description: properties.status.description },
          }),
        },
      }
    : converted;
  return { ...top, 'x-kubernetes-group-version-kind': [gvk] };
}

/** A definition per served version of every custom resource kind. */
export function openApiV2Definitions(
  resources: ResourceType[],
  crds: KubeObject[],
): Record<string, Schema> {
  const definitions: Record<string, Schema> = {};
  for (const resource of resources) {
    if (isBuiltin(resource, crds)) continue;
    for (const version of servedVersions(resource)) {
      const gvk = { group: resource.group, version, kind: resource.kind };
      definitions[builtinSchemaName(resource.group, version, resource.kind)] =
        kindDefinition(crdKindSchema(crds, gvk), gvk);
    }
  }
  return definitions;
}
