import { createPermission } from '@backstage/plugin-permission-common';
import type { ServiceMeshActionName } from './types';

/**
 * The catalog's resource type, so policies can reuse catalog rules such as
 * `isEntityOwner` on our permissions. Spelled out rather than imported from
 * `@backstage/plugin-catalog-common`, which this package does not depend on.
 */
const RESOURCE_TYPE_CATALOG_ENTITY = 'catalog-entity';

/**
 * Read the service-mesh status of an entity.
 *
 * @public
 */
export const serviceMeshStatusReadPermission = createPermission({
  name: 'service-mesh.status.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Enroll a namespace of the entity in a mesh, or remove it.
 *
 * @public
 */
export const serviceMeshEnrollPermission = createPermission({
  name: 'service-mesh.namespace.enroll',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Change sidecar injection of a namespace or of its workloads.
 *
 * @public
 */
export const serviceMeshInjectionUpdatePermission = createPermission({
  name: 'service-mesh.injection.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Switch a namespace to another control-plane revision or tag.
 *
 * @public
 */
export const serviceMeshRevisionSwitchPermission = createPermission({
  name: 'service-mesh.revision.switch',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Restart workloads so that injection changes take effect.
 *
 * @public
 */
export const serviceMeshRestartPermission = createPermission({
  name: 'service-mesh.workload.restart',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create or edit a `Sidecar` egress resource.
 *
 * @public
 */
export const serviceMeshSidecarUpdatePermission = createPermission({
  name: 'service-mesh.sidecar.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create or update a `ServiceEntry` declaring external hosts. Its own
 * permission rather than the Sidecar's: a Sidecar only narrows what proxies
 * see, while a ServiceEntry lets the namespace reach a host outside the
 * cluster (under `REGISTRY_ONLY`), which platform or security teams often
 * keep for themselves.
 *
 * @public
 */
export const serviceMeshServiceEntryUpdatePermission = createPermission({
  name: 'service-mesh.serviceentry.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Override a guard rail (`force`), such as switching to a revision whose
 * injector is not ready. Checked in addition to the action's own permission.
 *
 * @public
 */
export const serviceMeshForcePermission = createPermission({
  name: 'service-mesh.force',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * See the mesh across clusters: control planes, namespaces and upgrades.
 * Not an entity permission: an upgrade spans the namespaces of many entities.
 *
 * @public
 */
export const serviceMeshUpgradeReadPermission = createPermission({
  name: 'service-mesh.upgrade.read',
  attributes: { action: 'read' },
});

/**
 * Plan (dry run) and start a canary control-plane upgrade.
 *
 * @public
 */
export const serviceMeshUpgradeCreatePermission = createPermission({
  name: 'service-mesh.upgrade.create',
  attributes: { action: 'create' },
});

/**
 * Pause, resume, promote, retry, skip, abort or roll back an upgrade.
 *
 * @public
 */
export const serviceMeshUpgradeOperatePermission = createPermission({
  name: 'service-mesh.upgrade.operate',
  attributes: { action: 'update' },
});

/**
 * Start an upgrade although prechecks block it (`options.force`).
 *
 * @public
 */
export const serviceMeshUpgradeForcePermission = createPermission({
  name: 'service-mesh.upgrade.force',
  attributes: { action: 'update' },
});

/**
 * The permissions on a catalog entity's own namespaces.
 *
 * @public
 */
export const serviceMeshEntityPermissions = [
  serviceMeshStatusReadPermission,
  serviceMeshEnrollPermission,
  serviceMeshInjectionUpdatePermission,
  serviceMeshRevisionSwitchPermission,
  serviceMeshRestartPermission,
  serviceMeshSidecarUpdatePermission,
  serviceMeshServiceEntryUpdatePermission,
  serviceMeshForcePermission,
];

/**
 * The platform-wide permissions of control-plane upgrades.
 *
 * @public
 */
export const serviceMeshUpgradePermissions = [
  serviceMeshUpgradeReadPermission,
  serviceMeshUpgradeCreatePermission,
  serviceMeshUpgradeOperatePermission,
  serviceMeshUpgradeForcePermission,
];

/**
 * Create the namespace of a service that is not in the catalog yet (Software
 * Templates). Platform-wide, not on an entity: the entity does not exist yet.
 * The backend only creates a namespace that does not exist.
 *
 * @public
 */
export const serviceMeshNamespaceCreatePermission = createPermission({
  name: 'service-mesh.namespace.create',
  attributes: { action: 'create' },
});

/**
 * Every permission of the service-mesh plugin, for
 * `permissionsRegistry.addPermissions`.
 *
 * @public
 */
export const serviceMeshPermissions = [
  ...serviceMeshEntityPermissions,
  ...serviceMeshUpgradePermissions,
  serviceMeshNamespaceCreatePermission,
];

/**
 * The permission each action checks on the entity, so the backend and the
 * frontend's permission hooks agree.
 *
 * @public
 */
export const serviceMeshActionPermissions = {
  enroll: serviceMeshEnrollPermission,
  unenroll: serviceMeshEnrollPermission,
  setInjection: serviceMeshInjectionUpdatePermission,
  switchRevision: serviceMeshRevisionSwitchPermission,
  restart: serviceMeshRestartPermission,
  sidecarEgress: serviceMeshSidecarUpdatePermission,
  serviceEntry: serviceMeshServiceEntryUpdatePermission,
} satisfies Record<ServiceMeshActionName, unknown>;
