import { waitUntil } from '../__testUtils__/demoClusters';
import {
  createNamespaces,
  DEPLOYMENTS,
  FaultBackend,
  namespaceEntity,
  report,
  secondsSince,
  SMMR,
  startFaultBackend,
} from '../__testUtils__/faultBackend';

jest.setTimeout(120_000);

const RESTART_KEY = 'service-mesh.backstage.io/restart-key';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/**
 * Fault suite: a write that never gets an answer, and a cluster that goes
 * away in the middle of an action. Calls time out after 1 s and give up
 * after 3 tries or 4 s, so each scenario takes seconds.
 */
describe('fault suite: hanging writes and an unreachable cluster', () => {
  let demo: FaultBackend;
  const bookinfo = namespaceEntity('bookinfo', 'demo-ossm2');
  const hanging = namespaceEntity('hang-01', 'demo-ossm2');

  beforeAll(async () => {
    demo = await startFaultBackend({
      scenarios: ['ossm2'],
      entities: [bookinfo, hanging],
      serviceMesh: {
        kubernetesRequests: {
          timeoutSeconds: 1,
          retry: { maxAttempts: 3, budgetSeconds: 4 },
        },
      },
      prepare: async clusters => {
        await createNamespaces(clusters['demo-ossm2'], 'hang', 1);
      },
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  const cluster = () => demo.clusters['demo-ossm2'];
  const members = (): string[] =>
    (cluster().api.get(SMMR, 'istio-system', 'default') as any).spec.members;
  const enrollHanging = () =>
    demo.action(hanging, 'enroll', {
      cluster: 'demo-ossm2',
      namespace: 'hang-01',
    });

  it('times out a hanging write without holding up writers of other objects', async () => {
    const rule = cluster().faults.add({ ...SMMR, verb: 'patch', hang: true });
    cluster().faults.resetRequestCounts();
    const start = performance.now();
    const stuck = enrollHanging();
    await waitUntil(() => cluster().faults.heldRequests() > 0);

    // Another object on the same cluster: a Sidecar in bookinfo.
    const otherStart = performance.now();
    const other = await demo.action(bookinfo, 'sidecarEgress', {
      cluster: 'demo-ossm2',
      namespace: 'bookinfo',
      name: 'fault-suite',
      hosts: ['./*', 'istio-system/*'],
      workloadSelector: { app: 'ratings' },
    });
    const otherSeconds = Number(secondsSince(otherStart));
    expect([other.status, other.body.error?.message]).toEqual([200, undefined]);
    expect(cluster().faults.heldRequests()).toBeGreaterThan(0);

    const answer = await stuck;
    const stuckSeconds = Number(secondsSince(start));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(answer.body.error.message).toMatch(
      /^cluster demo-ossm2: Add hang-01 to the members of ServiceMeshMemberRoll default in istio-system failed 3 times .*no answer in time/,
    );
    const aborted = cluster().faults.requestCounts({
      ...SMMR,
      verb: 'patch',
      outcome: 'aborted',
    }).total;
    const reads = cluster().faults.requestCounts({
      ...SMMR,
      verb: 'get',
    }).total;

    // Dropped, not applied: the held requests' client had given up.
    cluster().faults.remove(rule.id!);
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(members()).not.toContain('hang-01');

    const again = await enrollHanging();
    expect(again.status).toBe(200);
    expect(members().filter(m => m === 'hang-01')).toHaveLength(1);
    const sidecar = cluster().api.get(
      { group: 'networking.istio.io', plural: 'sidecars' },
      'bookinfo',
      'fault-suite',
    ) as any;
    expect(sidecar.spec).toEqual({
      workloadSelector: { labels: { app: 'ratings' } },
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    report('one hanging member-roll patch', {
      otherWriterSeconds: otherSeconds,
      hangingWriterAnswer: `${answer.status} after ${stuckSeconds} s, Retry-After ${answer.headers['retry-after']}`,
      timedOutTries: aborted,
      reReadsBeforeRetry: reads,
      finalState:
        'hang-01 a member once (after the repeat), Sidecar fault-suite exactly as asked',
    });
    expect(otherSeconds).toBeLessThan(2);
    expect(aborted).toBe(3);
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('re-reads a write whose answer was lost, and does not make it twice', async () => {
    // The patch applies, but its answer never comes: the client times out.
    const rule = cluster().faults.add({
      ...SMMR,
      verb: 'patch',
      hang: 'response',
    });
    cluster().faults.resetRequestCounts();
    const start = performance.now();
    let answer;
    try {
      answer = await demo.action(hanging, 'unenroll', {
        cluster: 'demo-ossm2',
        namespace: 'hang-01',
      });
    } finally {
      cluster().faults.remove(rule.id!);
    }
    const seconds = secondsSince(start);
    expect(answer.status).toBe(200);
    expect(answer.body.applied).toBe(true);
    expect(members()).not.toContain('hang-01');
    const patches = cluster().faults.requestCounts({ ...SMMR, verb: 'patch' });
    const reads = cluster().faults.requestCounts({ ...SMMR, verb: 'get' });
    // One patch, then a re-read that shows it applied: no second patch.
    expect(patches.total).toBe(1);
    expect(reads.total).toBe(1);
    report('member-roll patch applied, answer lost', {
      answer: `${answer.status} applied after ${seconds} s`,
      patches: patches.total,
      reReads: reads.total,
      finalState: 'hang-01 no longer a member; patched once',
    });
  });

  it('answers a clear 503 when the cluster goes away mid-action, and completes once on repeat', async () => {
    const deployments = () =>
      cluster().api.list(DEPLOYMENTS, { namespace: 'bookinfo' }) as any[];
    const before = new Map(
      deployments().map(d => [d.metadata.name, d.metadata.generation]),
    );
    expect(before.size).toBeGreaterThan(2);
    const restart = {
      cluster: 'demo-ossm2',
      namespace: 'bookinfo',
      idempotencyKey: 'fault-suite-restart-1',
    };
    // Slow deployment patches, so the cluster can go away between two of them.
    const slow = cluster().faults.add({
      ...DEPLOYMENTS,
      verb: 'patch',
      latencyMs: 300,
    });
    const start = performance.now();
    const first = demo.action(bookinfo, 'restart', restart);
    await waitUntil(
      () =>
        deployments().some(
          d => d.spec.template.metadata?.annotations?.[RESTART_KEY],
        ),
      10_000,
    );
    cluster().faults.setUnreachable(true);
    const answer = await first;
    const answerSeconds = Number(secondsSince(start));
    cluster().faults.remove(slow.id!);

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(answer.body.error.message).toMatch(/^cluster demo-ossm2: .*ECONN/);
    // Every workload whole: restarted by this key, or untouched.
    const afterFirst = new Map(deployments().map(d => [d.metadata.name, d]));
    const restartedFirst = [...afterFirst.values()].filter(
      d => d.spec.template.metadata?.annotations?.[RESTART_KEY],
    );
    for (const d of afterFirst.values()) {
      const restarted = restartedFirst.includes(d);
      expect(d.metadata.generation).toBe(
        before.get(d.metadata.name)! + (restarted ? 1 : 0),
      );
    }
    expect(restartedFirst.length).toBeGreaterThan(0);
    expect(restartedFirst.length).toBeLessThan(before.size);

    cluster().faults.setUnreachable(false);
    const recoveryStart = performance.now();
    await waitUntil(async () => {
      const status = (await demo.status(bookinfo)).body.clusters[0];
      return status.reachable && !status.stale && !status.error;
    });
    const recoverySeconds = secondsSince(recoveryStart);
    const repeat = await demo.action(bookinfo, 'restart', restart);
    expect(repeat.status).toBe(200);
    // The repeat restarts only what the first request did not reach.
    expect(repeat.body.change.operations).toHaveLength(
      before.size - restartedFirst.length,
    );
    await waitUntil(() =>
      deployments().every(
        d => d.metadata.generation === before.get(d.metadata.name)! + 1,
      ),
    );
    const annotationsOf = (d: any) => d.spec.template.metadata.annotations;
    expect(deployments().map(d => annotationsOf(d)[RESTART_KEY])).toEqual(
      deployments().map(() => restart.idempotencyKey),
    );
    // Those restarted before the outage kept their restart: not restarted twice.
    const restartedAtNow = new Map(
      deployments().map(d => [d.metadata.name, annotationsOf(d)[RESTARTED_AT]]),
    );
    for (const d of restartedFirst) {
      expect(restartedAtNow.get(d.metadata.name)).toBe(
        annotationsOf(d)[RESTARTED_AT],
      );
    }
    // A third identical request changes nothing.
    const third = await demo.action(bookinfo, 'restart', restart);
    expect(third.body.change.operations).toEqual([]);
    report('cluster unreachable during a restart', {
      answer: `${answer.status} after ${answerSeconds} s, Retry-After ${answer.headers['retry-after']}`,
      restartedBeforeOutage: `${restartedFirst.length} of ${before.size}`,
      secondsToReadableAfterRecovery: recoverySeconds,
      repeat: `${repeat.status}, ${repeat.body.change.operations.length} restarted`,
      finalState: `all ${before.size} deployments restarted exactly once (generation +1), third request: no change`,
    });
  });
});
