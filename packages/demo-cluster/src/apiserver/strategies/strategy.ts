import { clone } from '../objects';
import { metadataErrors } from '../names';
import { podSpecErrors } from '../podSpecValidation';
import { invalid, invalidFields, notFound } from '../status';
import { KubeObject, ResourceRef, ResourceType } from '../types';
import { NAMESPACES } from '../builtinResources';

/** What a strategy may ask of the store it is part of. */
export interface StoreContext {
  now(): Date;
  resources(): ResourceType[];
  registerResource(resource: ResourceType): void;
  unregisterResource(ref: ResourceRef): void;
  namespaceExists(name: string): boolean;
  /** The stored objects of a type in one namespace. */
  objectsIn(resource: ResourceType, namespace: string): KubeObject[];
  /** Whether an object is still stored (garbage collection may have taken it). */
  isStored(uid: string): boolean;
  /** Removes an object as a background delete does, with its dependents. */
  remove(resource: ResourceType, object: KubeObject): void;
  /** Stores a change the server makes itself (no admission), watched as MODIFIED. */
  writeSystem(
    resource: ResourceType,
    next: KubeObject,
    current: KubeObject,
  ): KubeObject;
}

/**
 * What is particular to one resource type, as the apiserver's per-resource
 * REST strategies hold it. The generic store calls the hooks in this order:
 * create: validate, (admission), validate, prepareForCreate, canonicalize,
 *   (store), afterWrite;
 * update: prepareForUpdate, validate, (admission), validate, canonicalize,
 *   (store), afterWrite;
 * delete: beforeDelete, (remove), afterDelete, then garbage collection.
 */
export interface ResourceStrategy {
  /** Refuses an invalid object with an ApiError 422 (or 404 for a missing namespace). */
  validate(
    resource: ResourceType,
    object: KubeObject,
    store: StoreContext,
  ): void;
  /** Fields the server sets on create, after uid and timestamps. */
  prepareForCreate(object: KubeObject): void;
  /**
   * Builds the object an update stores from the request and the stored one.
   * `status` is a write to the status subresource.
   */
  prepareForUpdate(
    resource: ResourceType,
    incoming: KubeObject,
    current: KubeObject,
    target: 'main' | 'status',
  ): KubeObject;
  /** Fields the server recomputes on every create and update, after admission. */
  canonicalize(object: KubeObject): void;
  afterWrite(object: KubeObject, store: StoreContext): void;
  /** Returns the object to remove; may remove or change others first. */
  beforeDelete(
    resource: ResourceType,
    object: KubeObject,
    store: StoreContext,
  ): KubeObject;
  afterDelete(object: KubeObject, store: StoreContext): void;
}

/** The object metadata checks every type gets. */
function validateMetadata(
  resource: ResourceType,
  object: KubeObject,
  store: StoreContext,
): void {
  const { name, namespace, labels, annotations } = object.metadata;
  if (!name) {
    throw invalid(
      resource,
      name,
      'metadata.name',
      'Required value: name or generateName is required',
    );
  }
  if (resource.namespaced) {
    if (!namespace) {
      throw invalid(resource, name, 'metadata.namespace', 'Required value');
    }
    if (!store.namespaceExists(namespace)) {
      throw notFound(NAMESPACES, namespace);
    }
  }
  for (const [field, map] of [
    ['metadata.labels', labels],
    ['metadata.annotations', annotations],
  ] as const) {
    for (const [key, value] of Object.entries(map ?? {})) {
      if (typeof value !== 'string') {
        throw invalid(
          resource,
          name,
          `${field}[${key}]`,
          `Invalid value: must be a string`,
        );
      }
    }
  }
  const errors = [
    ...metadataErrors(resource, { name, labels, annotations }),
    ...podSpecErrors(resource, object),
  ];
  if (errors.length > 0) {
    throw invalidFields(resource, name, errors);
  }
}

/**
 * An update through the status subresource changes only status; any other
 * update of a type with that subresource keeps the stored status.
 */
function prepareStatusSubresource(
  resource: ResourceType,
  incoming: KubeObject,
  current: KubeObject,
  target: 'main' | 'status',
): KubeObject {
  if (target === 'status') {
    const next = clone(current);
    if (incoming.status === undefined) {
      delete next.status;
    } else {
      next.status = incoming.status;
    }
    return next;
  }
  if (resource.subresources?.includes('status')) {
    if (current.status === undefined) {
      delete incoming.status;
    } else {
      incoming.status = clone(current.status);
    }
  }
  return incoming;
}

/** The strategy of every type without one of its own. */
export const genericStrategy: ResourceStrategy = {
  validate: validateMetadata,
  prepareForCreate: () => undefined,
  prepareForUpdate: prepareStatusSubresource,
  canonicalize: () => undefined,
  afterWrite: () => undefined,
  beforeDelete: (_resource, object) => object,
  afterDelete: () => undefined,
};
