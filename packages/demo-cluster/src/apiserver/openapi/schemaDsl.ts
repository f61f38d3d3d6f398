/** A small DSL for OpenAPI v3 schemas, in the shapes the apiserver publishes. */

export type Schema = Record<string, unknown>;

export const str = (description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  ...extra,
});
export const int = (description: string): Schema => ({
  type: 'integer',
  format: 'int32',
  description,
});
export const bool = (description: string): Schema => ({
  type: 'boolean',
  description,
});
export const strings = (description: string): Schema => ({
  type: 'array',
  items: { type: 'string', default: '' },
  description,
});
export const stringMap = (description: string): Schema => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});
/** A reference to another schema of the document, as the apiserver writes it (allOf keeps the description). */
export const ref = (name: string, description: string): Schema => ({
  allOf: [{ $ref: `#/components/schemas/${name}` }],
  description,
});
export const list = (name: string, description: string): Schema => ({
  type: 'array',
  items: { allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} },
  description,
});
export const object = (
  description: string,
  properties: Record<string, Schema>,
  required?: string[],
): Schema => ({
  type: 'object',
  description,
  properties,
  ...(required && { required }),
});
export const open = (description: string): Schema => ({
  type: 'object',
  description,
  'x-kubernetes-preserve-unknown-fields': true,
});

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE = 'io.k8s.api.core.v1';
export const ADMISSION = 'io.k8s.api.admissionregistration.v1';
export const APPS = 'io.k8s.api.apps.v1';
