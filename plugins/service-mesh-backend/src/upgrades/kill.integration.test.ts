import { mockServices } from '@backstage/backend-test-utils';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  RunningDemo,
  startDemoClusters,
  waitUntil,
} from '../__testUtils__/demoClusters';
import { DatabaseUpgradeStore } from '../database/DatabaseUpgradeStore';
import type { MeshUpgradeDocuments } from '../database/UpgradeStore';
import { DEFAULT_UPGRADE_OPTIONS } from '../domain/upgrades';
import { KeyedQueue } from '../service/KeyedQueue';
import type { RunnerProcessOptions } from './__testUtils__/runnerProcess';
import { CacheUpgradeClusters } from './UpgradeClusters';
import { MeshUpgradeStore, UpgradeRecorder } from './UpgradeRecorder';
import { UpgradeService } from './UpgradeService';

jest.setTimeout(180_000);

const CLUSTER = 'demo-istio-revisions';
const DEPLOYMENTS = { group: 'apps', plural: 'deployments' };
const REPLICA_SETS = { group: 'apps', plural: 'replicasets' };
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/**
 * The kill test: a backend process running an upgrade is SIGKILLed in the
 * middle of its canary batch, right after its first restart reaches the
 * cluster, and another process takes over when the lease runs out.
 */
describe('an upgrade whose backend is killed mid-batch', () => {
  let demo: RunningDemo;
  let knex: Knex;
  let directory: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    demo = await startDemoClusters(['istio-revisions']);
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-kill-'));
  });

  afterAll(async () => {
    children.forEach(child => child.kill('SIGKILL'));
    await knex?.destroy();
    await demo?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** A runner in a process of its own, resolved once its cache is synced. */
  function startRunnerProcess(options: RunnerProcessOptions) {
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, '__testUtils__', 'runnerProcess.ts'),
        JSON.stringify(options),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', chunk => {
      stderr += chunk;
    });
    return new Promise<ChildProcess>((resolve, reject) => {
      child.stdout!.on('data', chunk => {
        if (String(chunk).includes('ready')) resolve(child);
      });
      child.on('exit', code =>
        reject(new Error(`runner process exited (${code}): ${stderr}`)),
      );
    });
  }

  const api = () => demo.clusters[CLUSTER].api;
  const template = (namespace: string, name: string) =>
    (api().get(DEPLOYMENTS, namespace, name) as any)?.spec.template.metadata;

  it('completes, restarting each workload exactly once per step', async () => {
    const databaseFile = path.join(directory, 'upgrades.sqlite');
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: databaseFile },
      useNullAsDefault: true,
    });
    const store: MeshUpgradeStore =
      await DatabaseUpgradeStore.create<MeshUpgradeDocuments>({
        database: mockServices.database({ knex }),
      });
    const service = new UpgradeService({
      store,
      recorder: new UpgradeRecorder(store, mockServices.logger.mock()),
      clusters: new CacheUpgradeClusters(demo.registry, new KeyedQueue()),
    });
    const { id } = await service.create(
      {
        cluster: CLUSTER,
        controlPlane: { namespace: 'istio-system' },
        fromRevision: '1-23-1',
        target: { type: 'revision', revision: '1-24-3' },
        options: {
          ...DEFAULT_UPGRADE_OPTIONS,
          canary: { namespaces: ['catalog'] },
          batchSize: 1,
          pauseAfterCanary: false,
          moveTags: ['prod-stable', 'default'],
          force: ['conflictingLabels'],
        },
      },
      'user:default/guest',
    );
    const cluster = {
      name: CLUSTER,
      url: demo.clusters[CLUSTER].url,
      token: demo.clusters[CLUSTER].token,
    };
    const leaseMs = 1_500;

    const first = await startRunnerProcess({
      cluster,
      databaseFile,
      instanceId: 'first',
      leaseMs,
    });
    // Killed as soon as the canary's restart reaches the cluster: before or
    // just after the process records it.
    await waitUntil(
      () =>
        Boolean(
          template('catalog', 'catalog-service')?.annotations?.[RESTARTED_AT],
        ),
      60_000,
    );
    first.kill('SIGKILL');
    const afterKill = await store.get(id);
    expect(afterKill.phase).toBe('Running');
    expect(afterKill.claim?.instanceId).toBe('first');

    await startRunnerProcess({
      cluster,
      databaseFile,
      instanceId: 'second',
      leaseMs,
    });
    await waitUntil(
      async () => (await store.get(id)).phase === 'Succeeded',
      90_000,
    );

    // One ReplicaSet per pod template: the original, plus one per restart.
    expect(
      ['catalog', 'search'].map(
        namespace =>
          `${namespace}:${api().list(REPLICA_SETS, { namespace }).length}`,
      ),
    ).toEqual(['catalog:2', 'search:2']);
    const steps = await store.listSteps(id);
    expect(steps.every(s => s.status === 'done')).toBe(true);
    expect(steps.map(s => s.stepKey).sort()).toEqual([
      'relabel:catalog',
      'restart:catalog/Deployment/catalog-service@1',
      'restart:search/Deployment/search-service@1',
      'tag:default',
      'tag:prod-stable',
    ]);
    const events = await store.listEvents(id);
    expect(events.at(-1)?.type).toBe('Succeeded');
  });
});
