import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import express from 'express';
import request from 'supertest';
import { RunningDemo, startDemoClusters } from '../__testUtils__/demoClusters';
import {
  OpenApiResponseChecker,
  recordResponses,
} from '../__testUtils__/openApiResponses';
import { DefaultServiceMeshService } from '../service/DefaultServiceMeshService';
import { createRouter } from '../service/router';
import { startUpgrades, UpgradeHarness } from './__testUtils__/upgradeHarness';

jest.setTimeout(120_000);

const CLUSTER = 'demo-istio-revisions';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** A plan the prechecks let through (search's IST0123 forced). */
const body = (
  changes: Record<string, unknown> = {},
  options: Record<string, unknown> = {},
) => ({
  cluster: CLUSTER,
  controlPlane: { namespace: 'istio-system' },
  fromRevision: '1-23-1',
  target: { type: 'revision', revision: '1-24-3' },
  options: {
    canary: { namespaces: ['catalog'] },
    batchSize: 1,
    moveTags: ['prod-stable', 'default'],
    force: ['conflictingLabels'],
    ...options,
  },
  ...changes,
});

/** Allows everything but the named permissions. */
function permissionsDenying(...denied: string[]): PermissionsService {
  const decide = (requests: Array<{ permission: { name: string } }>) =>
    requests.map(
      (r): PolicyDecision => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      }),
    );
  return {
    authorize: async requests => decide(requests) as any,
    authorizeConditional: async requests => decide(requests) as any,
  };
}

interface BadUpgradeRequest {
  case: string;
  method: 'get' | 'post';
  /** `:id` stands for the upgrade already running. */
  path: string;
  body?: object;
  status: number;
  message: RegExp;
}

// prettier-ignore
const badRequests: BadUpgradeRequest[] = [
  { case: 'unknown from-revision', method: 'post', path: '/upgrades/plan', body: body({ fromRevision: '1-22-9' }), status: 400, message: /no revision 1-22-9/ },
  { case: 'unknown target revision', method: 'post', path: '/upgrades/plan', body: body({ target: { type: 'revision', revision: '9-9-9' } }), status: 400, message: /no revision 9-9-9/ },
  { case: 'from equals target', method: 'post', path: '/upgrades/plan', body: body({ target: { type: 'revision', revision: '1-23-1' } }), status: 400, message: /The target is the from-revision 1-23-1/ },
  { case: 'from-revision with dots', method: 'post', path: '/upgrades/plan', body: body({ fromRevision: '1.23.1' }), status: 400, message: /fromRevision must match pattern/ },
  { case: 'target revision with dots', method: 'post', path: '/upgrades', body: body({ target: { type: 'revision', revision: '1.24.3' } }), status: 400, message: /target\/revision must match pattern/ },
  { case: 'batch size 0', method: 'post', path: '/upgrades/plan', body: body({}, { batchSize: 0 }), status: 400, message: /batchSize must be >= 1/ },
  { case: 'batch size 10,000', method: 'post', path: '/upgrades', body: body({}, { batchSize: 10_000 }), status: 400, message: /batchSize must be <= 1000/ },
  { case: 'batch size not whole', method: 'post', path: '/upgrades', body: body({}, { batchSize: 2.5 }), status: 400, message: /batchSize must be integer/ },
  { case: 'parallelism 0', method: 'post', path: '/upgrades', body: body({}, { parallelism: 0 }), status: 400, message: /parallelism must be >= 1/ },
  { case: 'readiness deadline 0', method: 'post', path: '/upgrades', body: body({}, { readinessDeadlineSeconds: 0 }), status: 400, message: /readinessDeadlineSeconds must be >= 1/ },
  { case: 'unknown option', method: 'post', path: '/upgrades', body: body({}, { batchSise: 5 }), status: 400, message: /must NOT have additional properties/ },
  { case: 'unknown precheck forced', method: 'post', path: '/upgrades', body: body({}, { force: ['everything'] }), status: 400, message: /force/ },
  { case: 'unknown cluster', method: 'post', path: '/upgrades', body: body({ cluster: 'prod-eu' }), status: 400, message: /Unknown cluster 'prod-eu'/ },
  { case: 'no control plane there', method: 'post', path: '/upgrades/plan', body: body({ controlPlane: { namespace: 'catalog' } }), status: 400, message: /No control plane in namespace catalog/ },
  { case: 'bad control-plane namespace', method: 'post', path: '/upgrades', body: body({ controlPlane: { namespace: 'Istio System' } }), status: 400, message: /controlPlane\/namespace must match pattern/ },
  { case: 'missing target', method: 'post', path: '/upgrades', body: { cluster: CLUSTER, controlPlane: { namespace: 'istio-system' }, fromRevision: '1-23-1' }, status: 400, message: /must have required property 'target'/ },
  { case: 'unknown field', method: 'post', path: '/upgrades', body: body({ dryRun: true }), status: 400, message: /must NOT have additional properties/ },
  { case: 'blocking precheck not forced', method: 'post', path: '/upgrades', body: body({}, { force: false }), status: 409, message: /Prechecks block the upgrade: conflictingLabels/ },
  { case: 'a second concurrent upgrade', method: 'post', path: '/upgrades', body: body(), status: 409, message: /already running/ },
  { case: 'unknown operation', method: 'post', path: '/upgrades/:id/operations/explode', body: { cluster: CLUSTER }, status: 400, message: /operation must be equal to one of the allowed values/ },
  { case: 'operation named constructor', method: 'post', path: '/upgrades/:id/operations/constructor', body: { cluster: CLUSTER }, status: 400, message: /operation must be equal to one of the allowed values/ },
  { case: "another cluster's upgrade", method: 'post', path: '/upgrades/:id/operations/pause', body: { cluster: 'demo-sail' }, status: 400, message: /runs on cluster demo-istio-revisions, not demo-sail/ },
  { case: 'operation without cluster', method: 'post', path: '/upgrades/:id/operations/pause', body: {}, status: 400, message: /must have required property 'cluster'/ },
  { case: 'skip without a reason', method: 'post', path: '/upgrades/:id/operations/skip', body: { cluster: CLUSTER, namespace: 'search' }, status: 400, message: /Skipping needs the namespace to skip and a reason/ },
  { case: 'skip of a namespace outside the upgrade', method: 'post', path: '/upgrades/:id/operations/skip', body: { cluster: CLUSTER, namespace: 'reporting', reason: 'x' }, status: 409, message: /not part of this upgrade/ },
  { case: 'promote while not waiting for it', method: 'post', path: '/upgrades/:id/operations/promote', body: { cluster: CLUSTER }, status: 409, message: /Only an upgrade waiting for promotion can be promoted/ },
  { case: 'reason too long', method: 'post', path: '/upgrades/:id/operations/abort', body: { cluster: CLUSTER, reason: 'x'.repeat(1001) }, status: 400, message: /reason must NOT have more than 1000 characters/ },
  { case: 'unknown upgrade', method: 'post', path: `/upgrades/${MISSING_ID}/operations/pause`, body: { cluster: CLUSTER }, status: 404, message: /No upgrade with id/ },
  { case: 'unknown upgrade read', method: 'get', path: `/upgrades/${MISSING_ID}`, status: 404, message: /No upgrade with id/ },
  { case: 'malformed upgrade id', method: 'get', path: '/upgrades/not-a-uuid/events', status: 400, message: /upgradeId must match pattern/ },
  { case: 'list by a non-boolean active', method: 'get', path: '/upgrades?active=maybe', status: 400, message: /active must be boolean/ },
];

describe('upgrade routes', () => {
  let demo: RunningDemo;
  let upgrades: UpgradeHarness;
  let runningId: string;
  const recorded = recordResponses();
  const auditor = mockServices.auditor.mock();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function app(permissions: PermissionsService) {
    return express()
      .use(recorded.middleware)
      .use(
        await createRouter({
          httpAuth: mockServices.httpAuth(),
          permissions,
          auditor,
          catalog: catalogServiceMock({ entities: [] }),
          serviceMesh: new DefaultServiceMeshService({
            clusters: demo.registry,
            logger: mockServices.logger.mock(),
          }),
          upgrades: upgrades.service,
        }),
      )
      .use(mockErrorHandler());
  }

  let allowed: express.Express;
  let outsider: express.Express;
  let noForce: express.Express;

  beforeAll(async () => {
    demo = await startDemoClusters(['istio-revisions']);
    // No runner: what the routes write is all there is to see.
    upgrades = await startUpgrades(demo, databases, { runner: false });
    allowed = await app(
      mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    );
    outsider = await app(
      mockServices.permissions({ result: AuthorizeResult.DENY }),
    );
    noForce = await app(permissionsDenying('service-mesh.upgrade.force'));
  });

  afterAll(async () => {
    await upgrades?.stop();
    await demo?.close();
  });

  /** Cluster writes, upgrades and events stored: what "nothing written" means. */
  const written = async () => {
    const stored = await upgrades.store.list();
    const events = await Promise.all(
      stored.map(u => upgrades.store.listEvents(u.id)),
    );
    return {
      clusterWrites: demo.clusters[CLUSTER].api.writeCount(),
      upgrades: stored.map(u => `${u.id}@${u.version}`),
      events: events.flat().length,
    };
  };

  const send = (
    server: express.Express,
    method: 'get' | 'post',
    path: string,
    payload?: object,
  ) => {
    const call = request(server)[method](path.replace(':id', runningId));
    return payload ? call.send(payload) : call;
  };

  it('plans, creates, lists, reads and operates an upgrade', async () => {
    const before = demo.clusters[CLUSTER].api.writeCount();
    const plan = await send(allowed, 'post', '/upgrades/plan', body());
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ dryRun: true, plan: { blocked: false } });
    expect(demo.clusters[CLUSTER].api.writeCount()).toBe(before);

    const created = await send(allowed, 'post', '/upgrades', body());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      phase: 'Running',
      createdBy: 'user:default/mock',
      batches: [
        { index: 0, status: 'pending', namespaces: [{ namespace: 'catalog' }] },
        { index: 1, status: 'pending', namespaces: [{ namespace: 'search' }] },
      ],
      pods: [{ revision: '1-23-1', version: '1.23.1', pods: 4 }],
    });
    runningId = created.body.id;

    const list = await send(
      allowed,
      'get',
      `/upgrades?cluster=${CLUSTER}&active=true`,
    );
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([
      runningId,
    ]);
    const ended = await send(allowed, 'get', '/upgrades?active=false');
    expect(ended.body.items).toEqual([]);
    const one = await send(allowed, 'get', `/upgrades/${runningId}`);
    expect(one.body.id).toBe(runningId);

    const paused = await send(
      allowed,
      'post',
      '/upgrades/:id/operations/pause',
      {
        cluster: CLUSTER,
        reason: 'checking dashboards',
      },
    );
    expect(paused.body).toMatchObject({
      phase: 'Paused',
      reason: 'checking dashboards',
    });
    const resumed = await send(
      allowed,
      'post',
      '/upgrades/:id/operations/resume',
      {
        cluster: CLUSTER,
      },
    );
    expect(resumed.body.phase).toBe('Running');

    const events = await send(allowed, 'get', '/upgrades/:id/events');
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'Created',
      'Started',
      'Paused',
      'Resumed',
    ]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'service-mesh-upgrade',
        meta: expect.objectContaining({
          operation: 'pause',
          upgradeId: runningId,
        }),
      }),
    );
  });

  it.each(badRequests.map(c => [c.case, c] as const))(
    'rejects %s with a clear 4xx and nothing written',
    async (_case, c) => {
      const before = await written();
      const response = await send(allowed, c.method, c.path, c.body);
      expect({ status: response.status, body: response.body }).toMatchObject({
        status: c.status,
        body: { error: { message: expect.stringMatching(c.message) } },
      });
      expect(await written()).toEqual(before);
    },
  );

  it.each([
    ['get', '/upgrades', undefined],
    ['get', '/upgrades/:id', undefined],
    ['get', '/upgrades/:id/events', undefined],
    ['post', '/upgrades/plan', body()],
    [
      'post',
      '/upgrades',
      body({ controlPlane: { namespace: 'istio-system', name: 'other' } }),
    ],
    ...['pause', 'resume', 'promote', 'retry', 'abort', 'rollback'].map(
      op =>
        [
          'post',
          `/upgrades/:id/operations/${op}`,
          { cluster: CLUSTER },
        ] as const,
    ),
    [
      'post',
      '/upgrades/:id/operations/skip',
      { cluster: CLUSTER, namespace: 'search', reason: 'x' },
    ],
  ] as const)(
    'refuses %s %s to a user outside the platform team with 403, writing nothing',
    async (method, path, payload) => {
      const before = await written();
      const response = await send(outsider, method, path, payload);
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /Control-plane upgrades are for the platform team/,
        ),
      });
      expect(await written()).toEqual(before);
    },
  );

  it('needs the force permission to override prechecks', async () => {
    const before = await written();
    const response = await send(noForce, 'post', '/upgrades/plan', body());
    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(/service-mesh.upgrade.force/);
    const unforced = await send(
      noForce,
      'post',
      '/upgrades/plan',
      body({}, { force: false }),
    );
    expect(unforced.status).toBe(200);
    expect(unforced.body.plan.blocked).toBe(true);
    expect(await written()).toEqual(before);
  });

  it('answers as the OpenAPI document says', () => {
    const checker = new OpenApiResponseChecker();
    const problems = recorded.responses.flatMap(r => checker.problems(r));
    expect(problems).toEqual([]);
    expect(recorded.responses.length).toBeGreaterThan(40);
  });
});
