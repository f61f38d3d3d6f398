import { Schema } from './schemaDsl';

/*
 * Protobuf wire encoding of gnostic's openapi_v2 messages (field numbers from
 * OpenAPIv2.proto), which kubectl asks /openapi/v2 for. Only what the demo
 * cluster's document uses: strings, nested messages and vendor extensions.
 */

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A length-delimited field: a string or a nested message. */
export function field(number: number, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([
    varint((number << 3) | 2),
    varint(bytes.length),
    bytes,
  ]);
}

export const message = (...fields: Buffer[]) => Buffer.concat(fields);

/** NamedAny{name, value: Any{yaml}} as field `number`; JSON is valid YAML. */
export const vendorExtension = (number: number, name: string, value: unknown) =>
  field(
    number,
    message(
      field(1, name),
      field(
        2,
        field(
          2,
          typeof value === 'string' ? value : `${JSON.stringify(value)}\n`,
        ),
      ),
    ),
  );

/** A NamedSchema{name, value} list entry (Properties and Definitions). */
const namedSchema = (name: string, schema: Schema) =>
  field(1, message(field(1, name), field(2, encodeSchema(schema))));

/** openapi_v2.Schema, for the shapes openApiV2Definitions.ts produces. */
export function encodeSchema(schema: Schema): Buffer {
  const parts: Buffer[] = [];
  if (typeof schema.format === 'string') parts.push(field(2, schema.format));
  if (typeof schema.description === 'string') {
    parts.push(field(4, schema.description));
  }
  if (schema.additionalProperties) {
    // AdditionalPropertiesItem{schema}
    parts.push(
      field(21, field(1, encodeSchema(schema.additionalProperties as Schema))),
    );
  }
  if (typeof schema.type === 'string') {
    parts.push(field(22, field(1, schema.type))); // TypeItem{value}
  }
  if (schema.items) {
    parts.push(field(23, field(1, encodeSchema(schema.items as Schema))));
  }
  if (schema.properties) {
    const properties = Object.entries(
      schema.properties as Record<string, Schema>,
    );
    parts.push(
      field(
        25,
        message(...properties.map(([name, value]) => namedSchema(name, value))),
      ),
    );
  }
  for (const [name, value] of Object.entries(schema)) {
    if (name.startsWith('x-')) parts.push(vendorExtension(31, name, value));
  }
  return message(...parts);
}

/** Definitions{additional_properties: NamedSchema...}. */
export const encodeDefinitions = (definitions: Record<string, Schema>) =>
  message(
    ...Object.entries(definitions).map(([name, schema]) =>
      namedSchema(name, schema),
    ),
  );
