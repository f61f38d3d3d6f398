import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';

/** Who asks, for events and annotations: the user, or the calling service. */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? `${principal.type}:${principal.subject}`;
}

/**
 * Checks platform-wide permissions (not on an entity) in one round trip,
 * and refuses with every denied one named, followed by `explanation`.
 */
export async function requireBasicPermissions(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  wanted: BasicPermission[],
  explanation = '',
): Promise<void> {
  const decisions = await permissions.authorize(
    wanted.map(permission => ({ permission })),
    { credentials },
  );
  const denied = wanted.filter(
    (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
  );
  if (denied.length > 0) {
    throw new NotAllowedError(
      `Not allowed: ${denied.map(p => p.name).join(', ')}${explanation}`,
    );
  }
}
