import { apiVersionOf, servedVersions } from './objects';
import { conflict } from './status';
import { KubeObject, ResourceType } from './types';

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SERVER_FIELDS = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'generation',
];

/** Fills apiVersion/kind and drops a namespace on cluster-scoped objects. */
export function normalize(
  resource: ResourceType,
  object: KubeObject,
): KubeObject {
  const versions = servedVersions(resource);
  const [group, version] = object.apiVersion?.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  if (
    !object.apiVersion ||
    group !== resource.group ||
    !versions.includes(version)
  ) {
    object.apiVersion = apiVersionOf(resource.group, resource.version);
  }
  object.kind = resource.kind;
  object.metadata = object.metadata ?? {};
  if (!resource.namespaced) {
    delete object.metadata.namespace;
  }
  return object;
}

/** What a client may not set on create. */
export function dropServerFields(object: KubeObject): void {
  for (const field of SERVER_FIELDS) {
    delete object.metadata[field];
  }
}

/** Keeps what the server owns from the stored object on an update. */
export function keepServerFields(
  resource: ResourceType,
  next: KubeObject,
  current: KubeObject,
): void {
  const preserved = current.metadata;
  next.metadata = {
    ...next.metadata,
    uid: preserved.uid,
    creationTimestamp: preserved.creationTimestamp,
    generation: preserved.generation,
    resourceVersion: preserved.resourceVersion,
  };
  if (preserved.deletionTimestamp) {
    next.metadata.deletionTimestamp = preserved.deletionTimestamp;
  }
  if (resource.namespaced) {
    next.metadata.namespace = preserved.namespace;
  }
}

/** `generateName` plus five random characters, not yet taken. */
export function generateName(
  prefix: string,
  taken: (name: string) => boolean,
): string {
  for (;;) {
    let suffix = '';
    for (let i = 0; i < 5; i++) {
      suffix +=
        GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
    }
    const name = `${prefix}${suffix}`;
    if (!taken(name)) {
      return name;
    }
  }
}

/**
 * Refuses a write whose uid or resourceVersion precondition the stored
 * object does not meet, with the apiserver's 409 for an update or a delete.
 */
export function checkPreconditions(
  resource: ResourceType,
  current: KubeObject,
  preconditions: { uid?: string; resourceVersion?: string },
  operation: 'update' | 'delete',
): void {
  const { uid, resourceVersion } = preconditions;
  const name = current.metadata.name!;
  const uidMismatch =
    uid &&
    uid !== current.metadata.uid &&
    `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`;
  const versionMismatch =
    resourceVersion &&
    resourceVersion !== current.metadata.resourceVersion &&
    (operation === 'update'
      ? 'the object has been modified; please apply your changes to the latest version and try again'
      : `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
  // In the order the apiserver checks them.
  const why =
    operation === 'update'
      ? versionMismatch || uidMismatch
      : uidMismatch || versionMismatch;
  if (why) {
    throw conflict(resource, name, why);
  }
}
