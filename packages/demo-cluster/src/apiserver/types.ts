/*
 * The contract between the demo cluster's API server (storage + HTTP) and its
 * simulated controllers. Controllers talk to the same in-process API the HTTP
 * layer uses, so every write they make goes through admission, resourceVersion
 * bookkeeping and watch fan-out exactly like a client's write.
 */

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }>;
  finalizers?: string[];
  [field: string]: unknown;
}

/** One served resource type, as discovery describes it. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Sub-resources served, e.g. ['status']. */
  subresources?: string[];
  /** Every served version, `version` first; defaults to [version]. */
  versions?: string[];
  /** Discovery categories, e.g. ['all'] so `kubectl get all` includes it. */
  categories?: string[];
  /** The verbs discovery lists; default all of them (reviews are create-only). */
  verbs?: string[];
  /** Extra `kubectl get` columns (CRD additionalPrinterColumns). */
  printerColumns?: Array<{
    name: string;
    type: string;
    jsonPath: string;
    description?: string;
    priority?: number;
  }>;
}

/** Identifies a resource type by API group and plural, e.g. {group:'apps', plural:'deployments'}. */
export interface ResourceRef {
  group: string;
  plural: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED change, so watches can tell objects leaving a selector. */
  oldObject?: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  /** A string selector (`app=x,tier!=db,env in (a,b),!legacy`). */
  labelSelector?: string;
  /** `metadata.name=x`, `metadata.namespace!=y`, or another dotted field path. */
  fieldSelector?: string;
}

export interface WriteOptions {
  /** Validate, run admission and return the result without storing it. */
  dryRun?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  /** 'Orphan' keeps dependents (dropping their ownerReference); otherwise they are deleted. */
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface PatchOptions extends WriteOptions {
  subresource?: 'status';
}

/** The content types `PATCH` accepts. */
export type PatchType =
  | 'application/json-patch+json'
  | 'application/merge-patch+json'
  | 'application/strategic-merge-patch+json';

/**
 * Errors carry the HTTP status and Kubernetes `Status.reason` the API server
 * renders ('NotFound', 'AlreadyExists', 'Conflict', 'Invalid', 'Forbidden', ...).
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Admission runs on create and update, before the object is stored; it may
 * return a mutated object or throw an ApiError to refuse the write (as a
 * failing webhook does).
 */
export type AdmissionHandler = (request: {
  operation: 'CREATE' | 'UPDATE';
  resource: ResourceType;
  object: KubeObject;
  oldObject?: KubeObject;
}) => KubeObject;

/** The in-process API: what the HTTP layer serves and what controllers call. */
export interface ClusterApi {
  /** Adds (or replaces) a served resource type; discovery shows it at once. */
  registerResource(resource: ResourceType): void;
  resources(): ResourceType[];
  resource(ref: ResourceRef): ResourceType | undefined;

  get(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined;
  list(ref: ResourceRef, options?: ListOptions): KubeObject[];
  /** Throws ApiError 409 AlreadyExists. Fills uid, resourceVersion, generation, creationTimestamp, name from generateName. */
  create(
    ref: ResourceRef,
    object: KubeObject,
    options?: WriteOptions,
  ): KubeObject;
  /** Replaces the object. A set metadata.resourceVersion that is not current throws ApiError 409 Conflict. */
  update(
    ref: ResourceRef,
    object: KubeObject,
    options?: WriteOptions,
  ): KubeObject;
  /** Replaces only `.status`, as the status subresource does. */
  updateStatus(
    ref: ResourceRef,
    object: KubeObject,
    options?: WriteOptions,
  ): KubeObject;
  /** Deletes; deleting a namespace deletes everything in it. Throws ApiError 404. */
  delete(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): KubeObject;

  /**
   * Patches an object (or, with `subresource: 'status'`, only its status) and
   * stores the result through the same rules as update. Failed JSON patch
   * `test` ops throw ApiError 422.
   */
  patch(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options?: PatchOptions,
  ): KubeObject;

  /** Every stored change, after it is stored. Returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** Admission for one resource type (e.g. pods for sidecar injection). */
  addAdmission(ref: ResourceRef, handler: AdmissionHandler): void;
  /** Total writes served (create/update/patch/delete), for tests that assert nothing was written. */
  writeCount(): number;
}
