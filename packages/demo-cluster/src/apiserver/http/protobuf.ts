import { unsupportedMediaType } from '../status';
import { ApiError } from '../types';

/**
 * Decodes the Kubernetes protobuf bodies kubectl 1.35 sends for the objects
 * its `create` generators make. client-go's typed clients send protobuf for
 * built-in types and, unlike CBOR, never fall back to JSON after a 415, so a
 * server must read them. Only the kinds below are known (field numbers from
 * the upstream generated.proto files); any other kind is a 415.
 */

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time';
interface Field {
  name: string;
  type: Scalar | Schema | { map: 'string' | 'bytes' };
  repeated?: boolean;
}
type Schema = Record<number, Field>;

const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const OWNER_REFERENCE: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const LOCAL_OBJECT_REFERENCE: Schema = { 1: { name: 'name', type: 'string' } };

/** Schemas by `apiVersion/kind`. */
const SCHEMAS: Record<string, Schema> = {
  'v1/Namespace': {
    1: { name: 'metadata', type: OBJECT_META },
    2: {
      name: 'spec',
      type: { 1: { name: 'finalizers', type: 'string', repeated: true } },
    },
  },
  'v1/ConfigMap': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ServiceAccount': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'secrets', type: LOCAL_OBJECT_REFERENCE, repeated: true },
    3: {
      name: 'imagePullSecrets',
      type: LOCAL_OBJECT_REFERENCE,
      repeated: true,
    },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
};

// authorization.k8s.io/v1 (kubectl auth can-i); the status is the server's to fill.
const RESOURCE_ATTRIBUTES: Schema = {
  1: { name: 'namespace', type: 'string' },
  2: { name: 'verb', type: 'string' },
  3: { name: 'group', type: 'string' },
  4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' },
  6: { name: 'subresource', type: 'string' },
  7: { name: 'name', type: 'string' },
};
const NON_RESOURCE_ATTRIBUTES: Schema = {
  1: { name: 'path', type: 'string' },
  2: { name: 'verb', type: 'string' },
};
SCHEMAS['authorization.k8s.io/v1/SelfSubjectAccessReview'] = {
  1: { name: 'metadata', type: OBJECT_META },
  2: {
    name: 'spec',
    type: {
      1: { name: 'resourceAttributes', type: RESOURCE_ATTRIBUTES },
      2: { name: 'nonResourceAttributes', type: NON_RESOURCE_ATTRIBUTES },
    },
  },
};
SCHEMAS['authorization.k8s.io/v1/SelfSubjectRulesReview'] = {
  1: { name: 'metadata', type: OBJECT_META },
  2: { name: 'spec', type: { 1: { name: 'namespace', type: 'string' } } },
};
// kubectl auth whoami: nothing but metadata to send.
for (const version of ['v1', 'v1beta1']) {
  SCHEMAS[`authentication.k8s.io/${version}/SelfSubjectReview`] = {
    1: { name: 'metadata', type: OBJECT_META },
  };
}

/** runtime.Unknown, the envelope after the magic bytes. */
const UNKNOWN: Schema = {
  1: {
    name: 'typeMeta',
    type: {
      1: { name: 'apiVersion', type: 'string' },
      2: { name: 'kind', type: 'string' },
    },
  },
  2: { name: 'raw', type: 'bytes' },
};

/** The one wire-format reader: varints and length-delimited fields. */
class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  done(): boolean {
    return this.offset >= this.buffer.length;
  }

  varint(): number {
    let result = 0;
    let factor = 1;
    for (;;) {
      if (this.done()) throw malformed();
      const byte = this.buffer[this.offset++];
      result += (byte & 0x7f) * factor;
      if (byte < 0x80) return result;
      factor *= 128;
    }
  }

  bytes(): Buffer {
    const length = this.varint();
    const end = this.offset + length;
    if (end > this.buffer.length) throw malformed();
    const slice = this.buffer.subarray(this.offset, end);
    this.offset = end;
    return slice;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 5) this.offset += 4;
    else throw malformed();
  }
}

function malformed(): ApiError {
  return new ApiError(
    400,
    'BadRequest',
    'the request body could not be decoded: malformed protobuf',
  );
}

function decodeMapEntry(
  bytes: Buffer,
  valueType: 'string' | 'bytes',
): [string, string] {
  const reader = new Reader(bytes);
  let key = '';
  let value = '';
  while (!reader.done()) {
    const tag = reader.varint();
    if (tag >> 3 === 1 && (tag & 7) === 2) {
      key = reader.bytes().toString('utf8');
    } else if (tag >> 3 === 2 && (tag & 7) === 2) {
      const raw = reader.bytes();
      value = raw.toString(valueType === 'bytes' ? 'base64' : 'utf8');
    } else reader.skip(tag & 7);
  }
  return [key, value];
}

function decodeValue(field: Field, wireType: number, reader: Reader): unknown {
  const { type } = field;
  if (type === 'int' || type === 'bool') {
    if (wireType !== 0) throw malformed();
    const number = reader.varint();
    return type === 'bool' ? number !== 0 : number;
  }
  if (wireType !== 2) throw malformed();
  const bytes = reader.bytes();
  if (type === 'string') return bytes.toString('utf8');
  if (type === 'bytes') return bytes;
  if (type === 'time') {
    const seconds = decodeMessage(bytes, { 1: { name: 's', type: 'int' } }).s;
    return seconds ? new Date(Number(seconds) * 1000).toISOString() : undefined;
  }
  if ('map' in type) return decodeMapEntry(bytes, type.map as 'string');
  return decodeMessage(bytes, type as Schema);
}

/** A message as JSON would show it: empty and zero values left out. */
function decodeMessage(bytes: Buffer, schema: Schema): Record<string, unknown> {
  const reader = new Reader(bytes);
  const object: Record<string, any> = {};
  while (!reader.done()) {
    const tag = reader.varint();
    const field = schema[Math.floor(tag / 8)];
    if (!field) {
      reader.skip(tag & 7);
      continue;
    }
    const value = decodeValue(field, tag & 7, reader);
    if (typeof field.type === 'object' && 'map' in field.type) {
      const [key, entry] = value as [string, string];
      object[field.name] = { ...object[field.name], [key]: entry };
    } else if (field.repeated) {
      object[field.name] = [...(object[field.name] ?? []), value];
    } else if (value !== '' && value !== 0 && value !== undefined) {
      object[field.name] = value;
    }
  }
  return object;
}

/** The object in a `application/vnd.kubernetes.protobuf` body. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(PROTOBUF_MAGIC)) throw malformed();
  const envelope = decodeMessage(body.subarray(4), UNKNOWN);
  const { apiVersion = '', kind = '' } = (envelope.typeMeta ?? {}) as {
    apiVersion?: string;
    kind?: string;
  };
  const schema = SCHEMAS[`${apiVersion}/${kind}`];
  if (!schema) {
    throw unsupportedMediaType(
      `the demo cluster decodes protobuf bodies only for ${Object.keys(
        SCHEMAS,
      ).join(', ')}, not ${apiVersion}/${kind}; send JSON`,
    );
  }
  const raw = (envelope.raw as Buffer | undefined) ?? Buffer.alloc(0);
  return { apiVersion, kind, ...decodeMessage(raw, schema) };
}
