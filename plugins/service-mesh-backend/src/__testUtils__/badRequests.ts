/**
 * Requests the router must refuse with a clear 4xx and no write, run by
 * router.test.ts against the demo clusters. Data: one row per case.
 */
export interface BadRequest {
  case: string;
  action: string;
  /** Sent as JSON, unless `raw` is given. */
  body?: object;
  /** Sent as is, with `contentType` (none when null). */
  raw?: string;
  contentType?: string | null;
  /** Path segments of the entity; default component:default/<owner of the namespace>. */
  kind?: string;
  entityName?: string;
  status: number;
  message: RegExp;
}

const ossm2 = { cluster: 'demo-ossm2', namespace: 'orders' };
const KEY_63 = 'k'.repeat(63);
const external = { ...ossm2, hosts: ['api.stripe.com'] };

// prettier-ignore
export const badRequests: BadRequest[] = [
  // The entity ref and the action name.
  { case: 'malformed entity kind', kind: 'comp onent', action: 'enroll', body: ossm2, status: 400, message: /Malformed entity ref/ },
  { case: 'malformed entity name', entityName: 'Not A Name!', action: 'enroll', body: ossm2, status: 400, message: /Malformed entity ref/ },
  { case: 'unknown action', action: 'explode', body: ossm2, status: 404, message: /Unknown service-mesh action 'explode'/ },
  { case: 'action named constructor', action: 'constructor', body: ossm2, status: 404, message: /Unknown service-mesh action 'constructor'/ },
  { case: 'action named toString', action: 'toString', body: ossm2, status: 404, message: /Unknown service-mesh action 'toString'/ },
  { case: 'action named __proto__', action: '__proto__', body: ossm2, status: 404, message: /Unknown service-mesh action '__proto__'/ },
  { case: 'action named hasOwnProperty', action: 'hasOwnProperty', body: ossm2, status: 404, message: /Unknown service-mesh action 'hasOwnProperty'/ },

  // The body as a whole.
  { case: 'body null', action: 'enroll', raw: 'null', status: 400, message: /body must be a JSON object, got null/ },
  { case: 'body a string', action: 'enroll', raw: '"enroll"', status: 400, message: /body must be a JSON object, got a string/ },
  { case: 'body a number', action: 'enroll', raw: '42', status: 400, message: /body must be a JSON object, got a number/ },
  { case: 'body an array', action: 'enroll', raw: '[]', status: 400, message: /body must be a JSON object, got an array/ },
  { case: 'body not valid JSON', action: 'enroll', raw: '{"cluster": ', status: 400, message: /body is not valid JSON/ },
  { case: 'no body and no Content-Type', action: 'enroll', contentType: null, status: 400, message: /Content-Type: application\/json \(none was sent\)/ },
  { case: 'JSON sent as text/plain', action: 'enroll', raw: JSON.stringify(ossm2), contentType: 'text/plain', status: 400, message: /Content-Type: application\/json \(got text\/plain\)/ },
  { case: 'form-encoded body', action: 'enroll', raw: 'cluster=demo-ossm2&namespace=orders', contentType: 'application/x-www-form-urlencoded', status: 400, message: /must be JSON, sent with Content-Type: application\/json/ },
  { case: 'empty JSON object', action: 'enroll', body: {}, status: 400, message: /must have required property 'cluster'/ },

  // The common fields.
  { case: 'missing cluster', action: 'enroll', body: { namespace: 'orders' }, status: 400, message: /cluster/ },
  { case: 'empty cluster', action: 'enroll', body: { cluster: '', namespace: 'orders' }, status: 400, message: /cluster/ },
  { case: 'cluster not a string', action: 'enroll', body: { cluster: 42, namespace: 'orders' }, status: 400, message: /cluster must be string/ },
  { case: 'unknown cluster', action: 'enroll', body: { cluster: 'prod-eu', namespace: 'orders' }, status: 400, message: /Unknown cluster 'prod-eu'/ },
  { case: 'missing namespace', action: 'enroll', body: { cluster: 'demo-ossm2' }, status: 400, message: /namespace/ },
  { case: 'upper-case namespace', action: 'enroll', body: { ...ossm2, namespace: 'Orders' }, status: 400, message: /namespace must match pattern/ },
  { case: 'namespace with underscore', action: 'enroll', body: { ...ossm2, namespace: 'my_ns' }, status: 400, message: /namespace must match pattern/ },
  { case: 'namespace too long', action: 'enroll', body: { ...ossm2, namespace: 'a'.repeat(64) }, status: 400, message: /namespace must NOT have more than 63 characters/ },
  { case: 'namespace not a string', action: 'enroll', body: { ...ossm2, namespace: 42 }, status: 400, message: /namespace/ },
  { case: 'unknown field', action: 'enroll', body: { ...ossm2, namespaces: ['x'] }, status: 400, message: /must NOT have additional properties/ },
  { case: 'dryRun not a boolean', action: 'enroll', body: { ...ossm2, dryRun: 'yes' }, status: 400, message: /dryRun/ },
  { case: 'force not a boolean', action: 'enroll', body: { ...ossm2, force: 1 }, status: 400, message: /force must be boolean/ },

  // Per action.
  { case: 'bad control-plane namespace', action: 'enroll', body: { ...ossm2, controlPlaneNamespace: 'Istio System' }, status: 400, message: /controlPlaneNamespace must match pattern/ },
  { case: 'revision on unenroll', action: 'unenroll', body: { ...ossm2, revision: 'basic' }, status: 400, message: /must NOT have additional properties/ },
  { case: 'bad revision name', action: 'switchRevision', body: { ...ossm2, revision: 'Canary!' }, status: 400, message: /revision/ },
  { case: 'missing revision', action: 'switchRevision', body: ossm2, status: 400, message: /revision/ },
  { case: 'revision too long', action: 'switchRevision', body: { ...ossm2, revision: 'r'.repeat(64) }, status: 400, message: /revision must NOT have more than 63 characters/ },
  { case: 'bad injection value', action: 'setInjection', body: { ...ossm2, injection: 'on' }, status: 400, message: /injection/ },
  { case: 'missing injection', action: 'setInjection', body: ossm2, status: 400, message: /must have required property 'injection'/ },
  { case: 'bad workload kind', action: 'restart', body: { ...ossm2, workloads: [{ kind: 'Pod', name: 'x' }] }, status: 400, message: /workloads/ },
  { case: 'workload without name', action: 'restart', body: { ...ossm2, workloads: [{ kind: 'Deployment' }] }, status: 400, message: /workloads\/0 must have required property 'name'/ },
  { case: 'workloads not a list', action: 'setInjection', body: { ...ossm2, injection: 'enabled', workloads: { kind: 'Deployment', name: 'x' } }, status: 400, message: /workloads must be array/ },
  { case: 'empty workload list', action: 'restart', body: { ...ossm2, workloads: [] }, status: 400, message: /workloads/ },
  { case: 'unknown workload', action: 'restart', body: { ...ossm2, workloads: [{ kind: 'Deployment', name: 'ghost' }] }, status: 400, message: /ghost/ },
  { case: 'bad restart idempotency key', action: 'restart', body: { ...ossm2, idempotencyKey: 'two words' }, status: 400, message: /idempotencyKey must match pattern/ },
  { case: 'egress host without namespace', action: 'sidecarEgress', body: { ...ossm2, hosts: ['reviews.bookinfo.svc.cluster.local'] }, status: 400, message: /host/i },
  { case: 'egress host with bad namespace', action: 'sidecarEgress', body: { ...ossm2, hosts: ['Bad_NS/*'] }, status: 400, message: /host/i },
  { case: 'empty egress host list', action: 'sidecarEgress', body: { ...ossm2, hosts: [] }, status: 400, message: /hosts/ },
  { case: 'empty egress host', action: 'sidecarEgress', body: { ...ossm2, hosts: [''] }, status: 400, message: /hosts\/0 must NOT have fewer than 1 characters/ },
  { case: 'too many egress hosts', action: 'sidecarEgress', body: { ...ossm2, hosts: Array.from({ length: 201 }, (_, i) => `ns-${i}/*`) }, status: 400, message: /hosts must NOT have more than 200 items/ },
  { case: 'bad Sidecar name', action: 'sidecarEgress', body: { ...ossm2, name: 'My Sidecar' }, status: 400, message: /name/ },
  { case: 'selector key with a space', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { 'bad key!': 'x' } }, status: 400, message: /Label key "bad key!" is not valid/ },
  { case: 'selector key name too long', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { [`${KEY_63}x`]: 'x' } }, status: 400, message: /Label key "k{63}x" is not valid/ },
  { case: 'selector key with upper-case prefix', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { 'Example.com/app': 'x' } }, status: 400, message: /Label key "Example.com\/app" is not valid/ },
  { case: 'selector key prefix too long', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { [`${'a'.repeat(254)}/app`]: 'x' } }, status: 400, message: /Label key "a{254}\/app" is not valid/ },
  { case: 'selector key with two slashes', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { 'a/b/c': 'x' } }, status: 400, message: /Label key "a\/b\/c" is not valid/ },
  { case: 'selector value with a space', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { app: 'bad value!' } }, status: 400, message: /Label value "bad value!" of "app" is not valid/ },
  { case: 'selector value too long', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { app: 'v'.repeat(64) } }, status: 400, message: /Label value "v{64}" of "app" is not valid/ },
  { case: 'selector value ending in a dot', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { app: 'v1.' } }, status: 400, message: /Label value "v1." of "app" is not valid/ },
  { case: 'selector value not a string', action: 'sidecarEgress', body: { ...ossm2, workloadSelector: { app: 1 } }, status: 400, message: /workloadSelector\/app must be string/ },
  { case: 'wildcard external host', action: 'serviceEntry', body: { ...external, hosts: ['*'] }, status: 400, message: /not a wildcard/ },
  { case: 'wildcard-prefixed external host', action: 'serviceEntry', body: { ...external, hosts: ['*.stripe.com'] }, status: 400, message: /not a wildcard/ },
  { case: 'cluster-local external host', action: 'serviceEntry', body: { ...external, hosts: ['reviews.bookinfo.svc.cluster.local'] }, status: 400, message: /cluster-local/ },
  { case: 'egress host as external host', action: 'serviceEntry', body: { ...external, hosts: ['*/api.stripe.com'] }, status: 400, message: /not an egress host/ },
  { case: 'undotted external host', action: 'serviceEntry', body: { ...external, hosts: ['stripe'] }, status: 400, message: /not a dotted DNS name/ },
  { case: 'no external hosts', action: 'serviceEntry', body: ossm2, status: 400, message: /must have required property 'hosts'/ },
  { case: 'empty external host list', action: 'serviceEntry', body: { ...external, hosts: [] }, status: 400, message: /hosts/ },
  { case: 'unknown ServiceEntry protocol', action: 'serviceEntry', body: { ...external, protocol: 'GRPC' }, status: 400, message: /protocol/ },
  { case: 'ServiceEntry port given', action: 'serviceEntry', body: { ...external, port: 8443 }, status: 400, message: /must NOT have additional properties/ },
  { case: 'bad ServiceEntry name', action: 'serviceEntry', body: { ...external, name: 'Not_A_Name' }, status: 400, message: /name/ },

  // The entity's namespaces and the cluster's state.
  { case: 'enroll kube-system', action: 'enroll', body: { ...ossm2, namespace: 'kube-system' }, status: 403, message: /does not belong/ },
  { case: 'namespace of another entity', action: 'enroll', body: { ...ossm2, namespace: 'bookinfo' }, status: 403, message: /does not belong/ },
  { case: 'ServiceEntry in another entity\'s namespace', action: 'serviceEntry', body: { ...external, namespace: 'bookinfo' }, status: 403, message: /does not belong/ },
  { case: 'unknown revision on enroll', action: 'enroll', body: { cluster: 'demo-istio-revisions', namespace: 'catalog', revision: 'nope' }, status: 400, message: /nope/ },
];
