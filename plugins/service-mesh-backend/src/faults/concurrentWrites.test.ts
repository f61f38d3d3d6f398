import type { Entity } from '@backstage/catalog-model';
import type { DemoCluster } from '@mesh-backstage/demo-cluster';
import { parse } from 'yaml';
import {
  createNamespaces,
  FaultBackend,
  namespaceEntity,
  NAMESPACES,
  report,
  secondsSince,
  SMMR,
  startFaultBackend,
} from '../__testUtils__/faultBackend';

jest.setTimeout(180_000);

const memberRoll = (cluster: DemoCluster): string[] =>
  (cluster.api.get(SMMR, 'istio-system', 'default') as any).spec.members ?? [];

/**
 * Fault suite: many writers at once while the cluster answers 409, 429 with
 * Retry-After, or 500 to a share of the writes; then 1 s of latency on every
 * write. Every scenario ends with the cluster's state checked exactly.
 */
describe('fault suite: concurrent writes', () => {
  let demo: FaultBackend;
  const batches: Record<'conflict' | 'throttle' | 'error', string[]> = {
    conflict: [],
    throttle: [],
    error: [],
  };
  let sailNamespaces: string[] = [];
  let initialMembers: string[] = [];

  beforeAll(async () => {
    const entities: Entity[] = [];
    demo = await startFaultBackend({
      scenarios: ['ossm2', 'sail'],
      entities,
      // The defaults but for the clusters' latency budget: 3 s per call.
      serviceMesh: { kubernetesRequests: { timeoutSeconds: 3 } },
      prepare: async clusters => {
        const ossm2 = clusters['demo-ossm2'];
        batches.conflict = await createNamespaces(ossm2, 'conflict', 50);
        batches.throttle = await createNamespaces(ossm2, 'throttle', 50);
        batches.error = await createNamespaces(ossm2, 'error', 50);
        sailNamespaces = await createNamespaces(
          clusters['demo-sail'],
          'slow',
          50,
        );
        initialMembers = memberRoll(clusters['demo-ossm2']);
        for (const name of Object.values(batches).flat()) {
          entities.push(namespaceEntity(name, 'demo-ossm2'));
        }
        for (const name of sailNamespaces) {
          entities.push(namespaceEntity(name, 'demo-sail'));
        }
      },
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  async function enrollAll(cluster: string, namespaces: string[]) {
    const answers = await Promise.all(
      namespaces.map(namespace =>
        demo.action(namespaceEntity(namespace, cluster), 'enroll', {
          cluster,
          namespace,
        }),
      ),
    );
    return answers.map(a => ({ status: a.status, body: a.body }));
  }

  it.each([
    ['conflict', { errorCode: 409, seed: 9 }],
    ['throttle', { errorCode: 429, retryAfterSeconds: 1, seed: 42 }],
    ['error', { errorCode: 500, seed: 7 }],
  ] as const)(
    '50 concurrent enrollments with 30%% of member-roll patches answered %s all apply, once each',
    async (batch, fault) => {
      const cluster = demo.clusters['demo-ossm2'];
      const before = memberRoll(demo.clusters['demo-ossm2']);
      cluster.faults.resetRequestCounts();
      const rule = cluster.faults.add({
        ...SMMR,
        verb: 'patch',
        percent: 30,
        ...fault,
      });
      const start = performance.now();
      try {
        const answers = await enrollAll('demo-ossm2', batches[batch]);
        const failed = answers.filter(a => a.status !== 200);
        expect(failed).toEqual([]);
        expect(answers.every(a => a.body.applied)).toBe(true);
      } finally {
        cluster.faults.remove(rule.id!);
      }
      const patches = cluster.faults.requestCounts({
        ...SMMR,
        verb: 'patch',
      });
      const injected = cluster.faults.requestCounts({
        ...SMMR,
        verb: 'patch',
        outcome: 'fault',
      }).total;
      const members = memberRoll(demo.clusters['demo-ossm2']);
      // Exactly the members before plus this batch: none lost, none twice.
      expect([...members].sort()).toEqual(
        [...before, ...batches[batch]].sort(),
      );
      report(`50 enrollments, 30% ${fault.errorCode}`, {
        seconds: secondsSince(start),
        patches: patches.total,
        injectedFaults: injected,
        finalState: `member roll has ${members.length} members (${
          before.length
        } before + 50), no duplicates: ${
          new Set(members).size === members.length
        }`,
      });
      expect(injected).toBeGreaterThan(0);
    },
  );

  it('keeps every earlier member through the three rounds', () => {
    expect([...memberRoll(demo.clusters['demo-ossm2'])].sort()).toEqual(
      [...initialMembers, ...Object.values(batches).flat()].sort(),
    );
  });

  it('50 enrollments of different namespaces with 1 s latency on every write finish well under 50 s', async () => {
    const cluster = demo.clusters['demo-sail'];
    const writesBefore = cluster.api.writeCount();
    const rule = cluster.faults.add({ verb: 'write', latencyMs: 1000 });
    const start = performance.now();
    let answers;
    try {
      answers = await enrollAll('demo-sail', sailNamespaces);
    } finally {
      cluster.faults.remove(rule.id!);
    }
    const seconds = Number(secondsSince(start));
    expect(answers.filter(a => a.status !== 200)).toEqual([]);
    // Each enrollment labels its own namespace: one write each, nothing else.
    const planned = answers[0].body.change.operations;
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ verb: 'patch', kind: 'Namespace' });
    // Labels but the one naming the namespace, which differs for each.
    const injectionLabels = (labels: Record<string, string> = {}) => {
      const { 'kubernetes.io/metadata.name': _name, ...rest } = labels;
      return rest;
    };
    const wanted = injectionLabels(
      parse(planned[0].resultYaml).metadata.labels,
    );
    expect(Object.keys(wanted).length).toBeGreaterThan(0);
    for (const name of sailNamespaces) {
      const namespace = cluster.api.get(NAMESPACES, undefined, name) as any;
      expect(injectionLabels(namespace.metadata.labels)).toEqual(wanted);
    }
    expect(cluster.api.writeCount() - writesBefore).toBe(50);
    report('50 enrollments (different namespaces), 1 s latency per write', {
      seconds,
      writes: cluster.api.writeCount() - writesBefore,
      inFlightCap: 10,
      finalState: `all 50 namespaces labelled ${JSON.stringify(wanted)}`,
    });
    // Ten calls in flight at once: about 5 s, against 50 s one at a time.
    expect(seconds).toBeLessThan(25);
  });
});
