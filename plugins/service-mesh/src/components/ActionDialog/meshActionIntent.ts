import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  MeshActionResponse,
  RestartResponse,
  ServiceMeshActionName,
  SidecarEgressResponse,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ServiceMeshActionRequests, ServiceMeshApi } from '../../api';
import type { ActionPermission } from '../../hooks/useMeshPermissions';

/**
 * An action the user asked for, with the request to send. Same shape as a
 * warning's `fix`, so a fix opens the dialog as it is.
 */
export type MeshActionIntent = {
  [A in ServiceMeshActionName]: {
    action: A;
    title: string;
    request: ServiceMeshActionRequests[A];
    /** "and restart the workloads", offered in the same confirmation. */
    restart?: RestartOffer;
  };
}[ServiceMeshActionName];

/**
 * A restart the confirmation offers after the main change: its own action,
 * run only once the main change is written, with its own dry run and
 * permission.
 */
export interface RestartOffer {
  intent: Extract<MeshActionIntent, { action: 'restart' }>;
  permission: ActionPermission;
}

export type AnyActionResponse = MeshActionResponse &
  Partial<Pick<RestartResponse, 'podsToReplace'>> &
  Partial<Pick<SidecarEgressResponse, 'visibleServices'>>;

export function runIntent(
  api: ServiceMeshApi,
  entityRef: CompoundEntityRef,
  intent: MeshActionIntent,
  options: { dryRun: boolean; force: boolean; idempotencyKey?: string },
): Promise<AnyActionResponse> {
  const request = {
    ...intent.request,
    dryRun: options.dryRun,
    ...(options.force ? { force: true } : {}),
    // Only restart repeats itself when asked twice; the key makes it once.
    ...(intent.action === 'restart' && options.idempotencyKey
      ? { idempotencyKey: options.idempotencyKey }
      : {}),
  };
  // The intent union pairs each action with its request; TypeScript cannot
  // follow that correlation through the generic call.
  return api.runAction(
    entityRef,
    intent.action,
    request as ServiceMeshActionRequests[typeof intent.action] as never,
  );
}

/** The backend's own message, without the "Request failed with …" prefix. */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return error.message;
}

/** A guard-rail refusal that `force` may override (409 "retry with force"). */
export function isForceable(error: Error): boolean {
  return (
    error instanceof ResponseError &&
    error.statusCode === 409 &&
    /retry with force/i.test(errorMessage(error))
  );
}
