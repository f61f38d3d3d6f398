import type {
  KubeOperation,
  MeshActionResponse,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { MeshCluster } from '../kubernetes/ClusterRegistry';
import {
  StaleWriteError,
  UncertainWriteError,
} from '../kubernetes/KubernetesWriter';
import {
  ClusterUnavailableError,
  DEFAULT_RETRY_POLICY,
} from '../kubernetes/retry';
import { applyInTurns } from './applyInTurns';
import { KeyedQueue } from './KeyedQueue';

const patch = (name: string): KubeOperation => ({
  verb: 'patch',
  apiVersion: 'v1',
  kind: 'Namespace',
  name,
  patch: [{ op: 'add', path: '/metadata/labels/a', value: 'b' }],
  summary: `Label ${name}`,
  resultYaml: '',
});

const plan = (...operations: KubeOperation[]): MeshActionResponse => ({
  dryRun: false,
  applied: false,
  change: { operations },
});

/** A cluster whose writer answers from a script, one answer per apply. */
function fakeCluster(answers: Array<Error | undefined>) {
  const applied: string[] = [];
  const cluster = {
    config: { name: 'dev' },
    cache: { hasSeen: () => true },
    writer: {
      retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 },
      apply: async (operation: KubeOperation) => {
        const answer = answers.shift();
        if (answer) throw answer;
        applied.push(operation.name);
        return '2';
      },
      read: async () => ({ metadata: { name: 'read' } }),
    },
  } as unknown as MeshCluster;
  return { cluster, applied };
}

describe('applyInTurns', () => {
  it('re-reads what it lost a race for and plans again from it', async () => {
    const { cluster, applied } = fakeCluster([
      new StaleWriteError('changed meanwhile', patch('orders')),
    ]);
    const seen: Array<Map<string, unknown>> = [];
    const result = await applyInTurns({
      cluster,
      turns: new KeyedQueue(),
      maxConflicts: 5,
      plan: fresh => {
        seen.push(new Map(fresh));
        return plan(patch('orders'));
      },
    });
    expect(result.applied).toBe(true);
    expect(applied).toEqual(['orders']);
    expect(seen.at(-1)?.get('Namespace//orders')).toEqual({
      metadata: { name: 'read' },
    });
  });

  it('answers applied when a write without an answer turns out to have applied', async () => {
    const { cluster, applied } = fakeCluster([
      new UncertainWriteError('no answer', patch('orders'), {
        metadata: { name: 'orders', labels: { a: 'b' } },
      }),
    ]);
    const result = await applyInTurns({
      cluster,
      turns: new KeyedQueue(),
      maxConflicts: 5,
      // Planned from the object re-read: nothing left to do.
      plan: fresh => (fresh.size ? plan() : plan(patch('orders'))),
    });
    expect(result).toMatchObject({
      applied: true,
      change: { operations: [patch('orders')] },
    });
    expect(applied).toEqual([]);
  });

  it('gives up with a 503 once unanswered writes use up the retry budget', async () => {
    const unanswered = () =>
      new UncertainWriteError('no answer', patch('orders'), null);
    const { cluster } = fakeCluster([unanswered(), unanswered(), unanswered()]);
    const error = await applyInTurns({
      cluster,
      turns: new KeyedQueue(),
      maxConflicts: 5,
      plan: () => plan(patch('orders')),
    }).catch(e => e);
    expect(error).toBeInstanceOf(ClusterUnavailableError);
    expect(error.message).toMatch(
      /^cluster dev: Label orders failed 3 times .*no answer in time/,
    );
  });

  it('takes the turns of the objects a new plan writes when they change', async () => {
    const { cluster, applied } = fakeCluster([]);
    const turns = new KeyedQueue();
    let calls = 0;
    const result = await applyInTurns({
      cluster,
      turns,
      maxConflicts: 5,
      // The first plan writes one namespace; planned again, another as well.
      plan: () =>
        ++calls === 1
          ? plan(patch('orders'))
          : plan(patch('orders'), patch('payments')),
    });
    expect(result.applied).toBe(true);
    expect(applied).toEqual(['orders', 'payments']);
    // Planned outside the turns, under orders' (finding payments too), then
    // again outside and under both.
    expect(calls).toBe(4);
  });
});
