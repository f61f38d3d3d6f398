import { decodeProtobufObject } from './protobuf';
import { parseBody } from './transport';

/** Length-delimited field `number` holding `value` (all fields here are). */
function field(number: number, value: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([(number << 3) | 2, bytes.length]), bytes]);
}

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, apiVersion), field(2, kind)]);
  return Buffer.concat([
    Buffer.from('k8s\0'),
    field(1, typeMeta),
    field(2, raw),
  ]);
}

const entry = (key: string, value: string) =>
  Buffer.concat([field(1, key), field(2, value)]);

describe('decodeProtobufObject', () => {
  it('decodes a ConfigMap as kubectl 1.35 sends it, leaving empty fields out', () => {
    const metadata = Buffer.concat([
      field(1, 'settings'),
      field(2, ''),
      field(3, 'shop'),
      field(8, Buffer.alloc(0)),
      field(11, entry('app', 'web')),
    ]);
    const raw = Buffer.concat([
      field(1, metadata),
      field(2, entry('mode', 'fast')),
      field(2, entry('level', '3')),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop', labels: { app: 'web' } },
      data: { mode: 'fast', level: '3' },
    });
  });

  it('shows Secret bytes as base64, as JSON does', () => {
    const raw = Buffer.concat([
      field(1, field(1, 'token')),
      field(2, entry('key', 's3cret')),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toMatchObject({
      data: { key: Buffer.from('s3cret').toString('base64') },
    });
  });

  it('decodes the SelfSubjectAccessReview of kubectl 1.35 auth can-i', () => {
    const attributes = Buffer.concat([
      field(1, 'shop'),
      field(2, 'patch'),
      field(3, 'apps'),
      field(5, 'deployments'),
      field(6, 'scale'),
      field(7, 'web'),
    ]);
    const raw = Buffer.concat([
      field(1, Buffer.alloc(0)),
      field(2, field(1, attributes)),
    ]);
    expect(
      decodeProtobufObject(
        envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw),
      ),
    ).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'shop',
          verb: 'patch',
          group: 'apps',
          resource: 'deployments',
          subresource: 'scale',
          name: 'web',
        },
      },
    });
  });

  it('refuses kinds it has no schema for with 415, and bodies without the magic with 400', () => {
    expect(() =>
      decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.alloc(0))),
    ).toThrow(expect.objectContaining({ code: 415 }));
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });

  it('leaves CBOR and protobuf patches to a 415, as an apiserver without them does', () => {
    expect(() => parseBody('x', 'application/cbor')).toThrow(
      expect.objectContaining({ code: 415, reason: 'UnsupportedMediaType' }),
    );
  });
});
