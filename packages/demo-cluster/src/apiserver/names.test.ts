import { builtinResources } from './builtinResources';
import { ClusterStore } from './ClusterStore';
import { metadataErrors } from './names';
import { statusOf } from './status';
import { ApiError } from './types';

const resource = (group: string, plural: string) =>
  builtinResources.find(r => r.group === group && r.plural === plural)!;
const NAMESPACES = resource('', 'namespaces');
const SERVICES = resource('', 'services');
const CONFIGMAPS = resource('', 'configmaps');
// Not served by the demo cluster, but a CRD or a later type may be.
const CLUSTER_ROLES = {
  ...CONFIGMAPS,
  group: 'rbac.authorization.k8s.io',
  plural: 'clusterroles',
  kind: 'ClusterRole',
};

const problems = (...args: Parameters<typeof metadataErrors>) =>
  metadataErrors(...args).map(e => `${e.field}: ${e.message}`);

describe('metadata validation', () => {
  it('takes namespace names as DNS-1123 labels: no dot, at most 63 characters', () => {
    expect(problems(NAMESPACES, { name: 'shop-1' })).toEqual([]);
    expect(problems(NAMESPACES, { name: 'a.b' })).toEqual([
      `metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    const long = 'a'.repeat(66);
    expect(problems(NAMESPACES, { name: long })).toEqual([
      `metadata.name: Invalid value: "${long}": must be no more than 63 characters`,
    ]);
  });

  it('takes service names as DNS-1035 labels (a letter first), others as subdomains', () => {
    expect(problems(SERVICES, { name: 'web' })).toEqual([]);
    expect(problems(SERVICES, { name: 'web.v1' })).toHaveLength(1);
    expect(problems(SERVICES, { name: '1web' })[0]).toContain(
      'start with an alphabetic character',
    );
    expect(problems(CONFIGMAPS, { name: 'istio.default-1' })).toEqual([]);
    expect(problems(CONFIGMAPS, { name: 'Upper' })[0]).toContain(
      'a lowercase RFC 1123 subdomain must consist of',
    );
    expect(problems(CONFIGMAPS, { name: 'a'.repeat(254) })[0]).toContain(
      'must be no more than 253 characters',
    );
  });

  it('lets RBAC names hold colons, as system roles do, but not slashes', () => {
    expect(
      problems(CLUSTER_ROLES, { name: 'system:aggregate-to-admin' }),
    ).toEqual([]);
    expect(problems(CLUSTER_ROLES, { name: 'a/b' })).toEqual([
      `metadata.name: Invalid value: "a/b": may not contain '/'`,
    ]);
  });

  it('checks label keys and values, and annotation keys', () => {
    expect(
      problems(CONFIGMAPS, {
        name: 'ok',
        labels: { 'app.kubernetes.io/name': 'web_1.x', empty: '' },
        annotations: { 'sidecar.istio.io/inject': 'any value / at all' },
      }),
    ).toEqual([]);
    expect(
      problems(CONFIGMAPS, {
        name: 'ok',
        labels: { 'bad key': 'x', good: 'bad value', 'Example.com/x': 'y' },
        annotations: { '/x': '' },
      }),
    ).toEqual([
      `metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      `metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      expect.stringMatching(
        /^metadata\.labels: Invalid value: "Example\.com\/x": prefix part a lowercase RFC 1123 subdomain/,
      ),
      `metadata.annotations: Invalid value: "/x": prefix part must be non-empty`,
    ]);
  });

  it('answers a write with 422 Invalid and every cause, storing nothing', () => {
    const store = new ClusterStore();
    const writes = store.writeCount();
    let error: unknown;
    try {
      store.create(NAMESPACES, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'a.b', labels: { x: 'no spaces' } },
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ApiError);
    const status = statusOf(error as ApiError);
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      details: {
        name: 'a.b',
        group: '',
        kind: 'Namespace',
        causes: [
          { reason: 'FieldValueInvalid', field: 'metadata.name' },
          { reason: 'FieldValueInvalid', field: 'metadata.labels' },
        ],
      },
    });
    expect(status.message).toMatch(
      /^Namespace "a\.b" is invalid: \[metadata\.name: Invalid value: "a\.b": .*, metadata\.labels: Invalid value: "no spaces": .*\]$/,
    );
    expect(store.writeCount()).toBe(writes);
  });
});
