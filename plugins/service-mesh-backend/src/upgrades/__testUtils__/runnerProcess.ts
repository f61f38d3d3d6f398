/*
 * A backend process that only runs upgrades, for the kill test: a cluster
 * registry pointed at one demo cluster, the upgrade store on an SQLite file,
 * and the runner. Run with
 *   node --require @backstage/cli/config/nodeTransform.cjs runnerProcess.ts '<options JSON>'
 * It prints "ready" once its cache is synced, and runs until it is killed.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { DatabaseUpgradeStore } from '../../database/DatabaseUpgradeStore';
import type { MeshUpgradeDocuments } from '../../database/UpgradeStore';
import { ClusterRegistry } from '../../kubernetes/ClusterRegistry';
import { KeyedQueue } from '../../service/KeyedQueue';
import { CacheUpgradeClusters } from '../UpgradeClusters';
import { UpgradeRecorder } from '../UpgradeRecorder';
import { UpgradeRunner } from '../UpgradeRunner';

export interface RunnerProcessOptions {
  cluster: { name: string; url: string; token: string };
  databaseFile: string;
  instanceId: string;
  leaseMs: number;
}

/** Warnings and errors to stderr, which the test shows if the process fails. */
function stderrLogger(): LoggerService {
  const write = (message: string) => process.stderr.write(`${message}\n`);
  const logger: LoggerService = {
    error: write,
    warn: write,
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

async function main() {
  const options: RunnerProcessOptions = JSON.parse(process.argv[2]);
  const logger = stderrLogger();
  const registry = new ClusterRegistry(
    [
      {
        name: options.cluster.name,
        url: options.cluster.url,
        serviceAccountToken: options.cluster.token,
        skipTLSVerify: true,
        enrollment: 'memberRoll',
      },
    ],
    logger,
  );
  await registry.start();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: options.databaseFile },
    useNullAsDefault: true,
  });
  const store = await DatabaseUpgradeStore.create<MeshUpgradeDocuments>({
    database: mockServices.database({ knex }),
  });
  const clusters = new CacheUpgradeClusters(registry, new KeyedQueue());
  while (!registry.all().every(c => c.cache.health().synced)) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  const runner = new UpgradeRunner({
    store,
    recorder: new UpgradeRecorder(store, logger),
    clusters,
    logger,
    instanceId: options.instanceId,
    leaseMs: options.leaseMs,
    tickMs: 200,
    pollMs: 20,
  });
  runner.start();
  process.stdout.write('ready\n');
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
