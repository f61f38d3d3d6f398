import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  serviceMeshActionPermissions as permissionOf,
  serviceMeshForcePermission,
  type ServiceMeshActionName,
} from '@mesh-backstage/plugin-service-mesh-common';

export interface ActionPermission {
  allowed: boolean;
  loading: boolean;
  /** Why the action is disabled, for people; undefined when allowed. */
  reason?: string;
}

export interface MeshPermissions {
  actions: Record<ServiceMeshActionName, ActionPermission>;
  force: ActionPermission;
}

export function notPermittedReason(entity: Entity): string {
  const name = entity.metadata.title ?? entity.metadata.name;
  return `Only the owners of ${name} can change its mesh settings.`;
}

/**
 * The same permissions the backend checks, on the entity as the resource,
 * so buttons are disabled exactly when the backend would refuse.
 */
export function useMeshPermissions(entity: Entity): MeshPermissions {
  const resourceRef = stringifyEntityRef(entity);
  const reason = notPermittedReason(entity);
  const check = (result: {
    allowed: boolean;
    loading: boolean;
  }): ActionPermission => ({
    allowed: result.allowed,
    loading: result.loading,
    reason: result.allowed || result.loading ? undefined : reason,
  });

  const enroll = check(
    usePermission({ permission: permissionOf.enroll, resourceRef }),
  );
  // unenroll checks the same permission as enroll.
  const injection = check(
    usePermission({
      permission: permissionOf.setInjection,
      resourceRef,
    }),
  );
  const revision = check(
    usePermission({
      permission: permissionOf.switchRevision,
      resourceRef,
    }),
  );
  const restart = check(
    usePermission({ permission: permissionOf.restart, resourceRef }),
  );
  const sidecar = check(
    usePermission({
      permission: permissionOf.sidecarEgress,
      resourceRef,
    }),
  );
  const serviceEntry = check(
    usePermission({ permission: permissionOf.serviceEntry, resourceRef }),
  );
  const force = check(
    usePermission({ permission: serviceMeshForcePermission, resourceRef }),
  );

  return {
    actions: {
      enroll,
      unenroll: enroll,
      setInjection: injection,
      switchRevision: revision,
      restart,
      sidecarEgress: sidecar,
      serviceEntry,
    },
    force,
  };
}
