import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { createApplyManifestsAction } from './applyManifests';
import { createSidecarEgressAction } from './egress';
import { createEnrollAction } from './enroll';
import { createInjectionAction } from './injection';
import {
  contextWithCheckpoints,
  fakeServiceMesh,
  target,
} from '../__testUtils__/actionContexts';

const writeActions = [
  {
    name: 'service-mesh:namespace:enroll',
    create: createEnrollAction,
    input: { ...target, revision: 'prod-stable', createNamespace: true },
    writes: ['provision checkout (0 manifests)', 'enroll checkout'],
  },
  {
    name: 'service-mesh:injection:set',
    create: createInjectionAction,
    input: { ...target, injection: 'enabled' },
    writes: ['setInjection checkout'],
  },
  {
    name: 'service-mesh:sidecar:egress',
    create: createSidecarEgressAction,
    input: { ...target, hosts: ['./*', 'istio-system/*'] },
    writes: ['sidecarEgress checkout'],
  },
  {
    name: 'service-mesh:manifests:apply',
    create: createApplyManifestsAction,
    input: { ...target, files: ['kubernetes/deployment.yaml'] },
    writes: ['provision checkout (2 manifests)'],
  },
];

/** The apply action reads its manifests from the workspace. */
function withManifests(ctx: any) {
  const dir = path.join(ctx.workspacePath, 'kubernetes');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'deployment.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: checkout }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: checkout }\n',
  );
  return ctx;
}

describe.each(writeActions)('$name', ({ name, create, input, writes }) => {
  it('writes once, and a replayed task with its checkpoints writes nothing again', async () => {
    const mesh = fakeServiceMesh();
    const action = create({ serviceMesh: mesh.service });
    expect(action.id).toBe(name);
    const store = new Map<string, unknown>();
    const ctx = withManifests(contextWithCheckpoints(input, store));
    await action.handler(ctx);
    expect(mesh.writes).toEqual(writes);
    expect(ctx.output).toHaveBeenCalledWith('applied', true);

    const replay = withManifests(contextWithCheckpoints(input, store));
    await action.handler(replay);
    expect(mesh.writes).toEqual(writes);
    expect(replay.output).toHaveBeenCalledWith(
      'operations',
      expect.arrayContaining([writes[writes.length - 1]]),
    );
  });

  it('plans on a dry run and writes nothing', async () => {
    const mesh = fakeServiceMesh();
    const ctx = withManifests(
      contextWithCheckpoints(input, new Map(), { isDryRun: true }),
    );
    await create({ serviceMesh: mesh.service }).handler(ctx);
    expect(mesh.writes).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('applied', false);
    expect(ctx.output).toHaveBeenCalledWith(
      'operations',
      expect.arrayContaining([expect.stringContaining('checkout')]),
    );
  });

  it('runs as the initiator: a user without the permission gets the error and nothing is written', async () => {
    const mesh = fakeServiceMesh('user:default/platform-admin');
    const ctx = withManifests(
      contextWithCheckpoints(input, new Map(), {
        getInitiatorCredentials: async () =>
          mockCredentials.user('user:default/jane'),
      }),
    );
    await expect(
      create({ serviceMesh: mesh.service }).handler(ctx),
    ).rejects.toThrow(/Not allowed/);
    expect(mesh.writes).toEqual([]);
  });
});

describe('input validation', () => {
  const mesh = fakeServiceMesh();
  const run = (action: any, input: Record<string, unknown>) =>
    action.handler(withManifests(contextWithCheckpoints(input)));

  it.each([
    [
      'a bad namespace',
      createEnrollAction,
      { ...target, namespace: 'Check_Out' },
      /namespace must be at most 63 lowercase letters/,
    ],
    [
      'a bad revision',
      createEnrollAction,
      { ...target, revision: '1.24!' },
      /revision must be at most 63 lowercase letters/,
    ],
    [
      'a bad entity ref',
      createInjectionAction,
      { ...target, entityRef: 'checkout service', injection: 'enabled' },
      /entityRef must be an entity ref/,
    ],
    [
      'an unknown injection setting',
      createInjectionAction,
      { ...target, injection: 'on' },
      /injection Invalid enum value/,
    ],
    [
      'a host without a namespace',
      createSidecarEgressAction,
      { ...target, hosts: ['./*', 'api.example.com'] },
      /hosts\.1 must be namespace\/dnsName/,
    ],
    [
      'no manifest files',
      createApplyManifestsAction,
      { ...target, files: [] },
      /files must list at least one manifest file/,
    ],
  ])(
    'refuses %s with a message naming the field',
    async (_what, create, input, message) => {
      await expect(
        run(create({ serviceMesh: mesh.service }), input),
      ).rejects.toThrow(message);
      expect(mesh.writes).toEqual([]);
    },
  );

  it('refuses a manifest path outside the workspace', async () => {
    await expect(
      run(createApplyManifestsAction({ serviceMesh: mesh.service }), {
        ...target,
        files: ['../../etc/passwd'],
      }),
    ).rejects.toThrow(/outside/);
    expect(mesh.writes).toEqual([]);
  });
});
