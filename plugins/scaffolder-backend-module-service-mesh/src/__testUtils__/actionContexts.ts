import { NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { ServiceMeshService } from '@mesh-backstage/plugin-service-mesh-node';

/**
 * A stand-in for the service-mesh backend: it plans one operation per call,
 * records real writes, and refuses users other than `allowedUser` as the
 * backend's permission check would (before writing anything).
 */
export function fakeServiceMesh(allowedUser = 'user:default/mock') {
  const writes: string[] = [];
  const answer = (what: string, dryRun?: boolean) => {
    if (!dryRun) writes.push(what);
    return {
      dryRun: Boolean(dryRun),
      applied: !dryRun,
      change: {
        operations: [
          {
            verb: 'patch' as const,
            apiVersion: 'v1',
            kind: 'Namespace',
            name: 'n',
            summary: what,
            resultYaml: '',
          },
        ],
      },
    };
  };
  const check = (credentials: any) => {
    if (credentials.principal.userEntityRef !== allowedUser) {
      throw new NotAllowedError(
        `Not allowed: service-mesh.namespace.enroll on component:default/checkout`,
      );
    }
  };
  const service: jest.Mocked<ServiceMeshService> = {
    runAction: jest.fn(async (action, _ref, request, { credentials }) => {
      check(credentials);
      return {
        ...answer(`${action} ${request.namespace}`, request.dryRun),
        visibleServices: { before: 40, after: 3 },
      } as any;
    }),
    provisionNamespace: jest.fn(async (request, { credentials }) => {
      check(credentials);
      return answer(
        `provision ${request.namespace} (${
          request.manifests?.length ?? 0
        } manifests)`,
        request.dryRun,
      );
    }),
    getEntityStatus: jest.fn(),
  };
  return { service, writes };
}

/** A context whose checkpoints persist across runs, as a recovered task's do. */
export function contextWithCheckpoints(
  input: Record<string, unknown>,
  store = new Map<string, unknown>(),
  extra: Record<string, unknown> = {},
) {
  return {
    ...createMockActionContext({ input: input as any }),
    async checkpoint({ key, fn }: { key: string; fn: () => Promise<any> }) {
      if (!store.has(key)) store.set(key, await fn());
      return store.get(key);
    },
    ...extra,
  } as any;
}

export const target = {
  entityRef: 'component:default/checkout',
  cluster: 'demo-istio-revisions',
  namespace: 'checkout',
};
