import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import { DatabaseUpgradeStore } from '../../database/DatabaseUpgradeStore';
import type { MeshUpgradeDocuments } from '../../database/UpgradeStore';
import type { RunningDemo } from '../../__testUtils__/demoClusters';
import { KeyedQueue } from '../../service/KeyedQueue';
import { CacheUpgradeClusters } from '../UpgradeClusters';
import { MeshUpgradeStore, UpgradeRecorder } from '../UpgradeRecorder';
import { UpgradeRunner } from '../UpgradeRunner';
import { UpgradeService } from '../UpgradeService';

/** Signals as published, in order. */
export class RecordingSignals {
  readonly published: SignalPayload[] = [];
  async publish(signal: SignalPayload) {
    this.published.push(signal);
  }
  channels(): string[] {
    return [...new Set(this.published.map(s => s.channel))];
  }
}

export interface UpgradeHarness {
  store: MeshUpgradeStore;
  signals: RecordingSignals;
  service: UpgradeService;
  runner: UpgradeRunner;
  stop(): Promise<void>;
}

/**
 * The upgrade service and a running runner (unless `runner: false`) over
 * the demo clusters' registry, on an SQLite database of their own.
 */
export async function startUpgrades(
  demo: RunningDemo,
  databases: TestDatabases,
  options: { runner?: boolean } = {},
): Promise<UpgradeHarness> {
  const knex = await databases.init('SQLITE_3');
  const logger = mockServices.logger.mock();
  const store = await DatabaseUpgradeStore.create<MeshUpgradeDocuments>({
    database: mockServices.database({ knex }),
  });
  const signals = new RecordingSignals();
  const recorder = new UpgradeRecorder(store, logger, signals);
  const clusters = new CacheUpgradeClusters(demo.registry, new KeyedQueue());
  const runner = new UpgradeRunner({
    store,
    recorder,
    clusters,
    logger,
    tickMs: 200,
    pollMs: 20,
  });
  const service = new UpgradeService({
    store,
    recorder,
    clusters,
    onChange: () => runner.wake(),
  });
  if (options.runner !== false) runner.start();
  return {
    store,
    signals,
    service,
    runner,
    async stop() {
      await runner.stop();
    },
  };
}
