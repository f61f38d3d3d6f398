import type {
  EntityMeshStatus,
  NamespaceMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import {
  contextWithCheckpoints,
  fakeServiceMesh,
  target,
} from '../__testUtils__/actionContexts';
import { createWaitAction, notReadyReason } from './wait';

function namespaceStatus(
  workloads: Partial<NamespaceMeshStatus['workloads'][number]>[],
): NamespaceMeshStatus {
  return {
    name: 'checkout',
    controlPlane: {
      flavour: 'istio',
      namespace: 'istio-system',
      revisions: [],
      tags: [{ name: 'prod-stable', revision: '1-24' }],
    },
    workloads: workloads.map(w => ({
      kind: 'Deployment',
      name: 'checkout',
      pods: 1,
      podsWithSidecar: 1,
      podsWithoutSidecar: 0,
      proxies: [{ revision: '1-24', pods: 1 }],
      optedOut: false,
      restartNeeded: false,
      expectedRevision: '1-24',
      links: {},
      ...w,
    })),
    warnings: [],
  } as unknown as NamespaceMeshStatus;
}

const status = (namespace: NamespaceMeshStatus): EntityMeshStatus =>
  ({
    entityRef: target.entityRef,
    clusters: [{ name: target.cluster, namespaces: [namespace] }],
  } as unknown as EntityMeshStatus);

describe('notReadyReason', () => {
  it('is ready when every pod has a sidecar from the revision a tag points at', () => {
    expect(
      notReadyReason(namespaceStatus([{}]), 'prod-stable'),
    ).toBeUndefined();
    expect(notReadyReason(namespaceStatus([{}]), '1-24')).toBeUndefined();
  });

  it.each([
    [[], undefined, 'no workloads yet'],
    [[{ pods: 0, podsWithSidecar: 0 }], undefined, 'has no running pods'],
    [
      [{ podsWithSidecar: 0, podsWithoutSidecar: 1, proxies: [] }],
      undefined,
      '0 of 1 pods with sidecar',
    ],
    [[{}], '1-25', 'sidecars on 1-24, not 1-25'],
    [
      [{ restartNeeded: true, expectedRevision: '1-25' }],
      undefined,
      'new pods would get 1-25',
    ],
  ])('says why not: %j', (workloads, revision, reason) => {
    expect(
      notReadyReason(namespaceStatus(workloads as any), revision),
    ).toContain(reason);
  });
});

/** What the client throws for an error answer (a ResponseError's shape). */
const httpError = (statusCode: number, message: string) =>
  Object.assign(new Error(`Request failed with ${statusCode}: ${message}`), {
    statusCode,
  });

describe('service-mesh:wait', () => {
  it('reads again after a 503 or a network failure, until the sidecars run', async () => {
    const mesh = fakeServiceMesh();
    mesh.service.getEntityStatus
      .mockRejectedValueOnce(httpError(503, 'cluster unavailable'))
      .mockRejectedValueOnce(new TypeError('fetch failed'))
      .mockResolvedValue(status(namespaceStatus([{}])));
    const ctx = contextWithCheckpoints({ ...target, intervalSeconds: 0.1 });
    await createWaitAction({ serviceMesh: mesh.service }).handler(ctx);
    expect(mesh.service.getEntityStatus).toHaveBeenCalledTimes(3);
    expect(ctx.output).toHaveBeenCalledWith('workloads', 1);
  });

  it('polls until the sidecars run, and outputs the revision', async () => {
    const mesh = fakeServiceMesh();
    mesh.service.getEntityStatus
      .mockResolvedValueOnce(status(namespaceStatus([])))
      .mockResolvedValue(status(namespaceStatus([{}])));
    const ctx = contextWithCheckpoints({ ...target, intervalSeconds: 0.1 });
    await createWaitAction({ serviceMesh: mesh.service }).handler(ctx);
    expect(mesh.service.getEntityStatus).toHaveBeenCalledTimes(2);
    expect(ctx.output).toHaveBeenCalledWith('revision', '1-24');
    expect(ctx.output).toHaveBeenCalledWith('workloads', 1);
  });

  it('times out with the reason and the warnings from the status', async () => {
    const mesh = fakeServiceMesh();
    const stuck = namespaceStatus([
      { podsWithSidecar: 0, podsWithoutSidecar: 1, proxies: [] },
    ]);
    stuck.warnings = [
      { code: 'SM-NEW-PODS', message: 'pods need a restart' } as any,
    ];
    mesh.service.getEntityStatus.mockResolvedValue(status(stuck));
    const ctx = contextWithCheckpoints({
      ...target,
      timeoutSeconds: 1,
      intervalSeconds: 0.2,
    });
    await expect(
      createWaitAction({ serviceMesh: mesh.service }).handler(ctx),
    ).rejects.toThrow(
      /Timed out after 1 s .*0 of 1 pods with sidecar; SM-NEW-PODS: pods need a restart/,
    );
  });

  it('reads nothing on a dry run', async () => {
    const mesh = fakeServiceMesh();
    const ctx = contextWithCheckpoints(target, new Map(), { isDryRun: true });
    await createWaitAction({ serviceMesh: mesh.service }).handler(ctx);
    expect(mesh.service.getEntityStatus).not.toHaveBeenCalled();
  });

  it.each([
    [{ revision: '1.24!' }, /revision must be at most 63 lowercase letters/],
    [
      { timeoutSeconds: 0 },
      /timeoutSeconds Number must be greater than or equal to 1/,
    ],
    [
      { namespace: 'Check_Out' },
      /namespace must be at most 63 lowercase letters/,
    ],
  ])('refuses bad input %o before reading anything', async (bad, message) => {
    const mesh = fakeServiceMesh();
    const ctx = contextWithCheckpoints({ ...target, ...bad });
    await expect(
      createWaitAction({ serviceMesh: mesh.service }).handler(ctx),
    ).rejects.toThrow(message);
    expect(mesh.service.getEntityStatus).not.toHaveBeenCalled();
  });

  it('reads as the initiator: a user the backend refuses gets its error at once', async () => {
    const mesh = fakeServiceMesh();
    mesh.service.getEntityStatus.mockRejectedValue(
      httpError(403, 'Not allowed: service-mesh.status.read'),
    );
    const ctx = contextWithCheckpoints({ ...target, timeoutSeconds: 60 });
    await expect(
      createWaitAction({ serviceMesh: mesh.service }).handler(ctx),
    ).rejects.toThrow(/Not allowed/);
    expect(mesh.service.getEntityStatus).toHaveBeenCalledTimes(1);
    expect(mesh.service.getEntityStatus).toHaveBeenCalledWith(
      target.entityRef,
      expect.objectContaining({
        credentials: await ctx.getInitiatorCredentials(),
      }),
    );
  });
});
