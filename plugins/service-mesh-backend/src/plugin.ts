import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { serviceMeshPermissions } from '@mesh-backstage/plugin-service-mesh-common';
import { createRouter } from './service/router';
import {
  readClusterRegistryOptions,
  readMeshClusters,
} from './kubernetes/clusterConfig';
import { ClusterRegistry } from './kubernetes/ClusterRegistry';
import { DefaultServiceMeshService } from './service/DefaultServiceMeshService';
import { EntityStatusSignals } from './service/EntityStatusSignals';
import { KeyedQueue } from './service/KeyedQueue';
import { NamespaceProvisioner } from './service/namespaces';
import { DatabaseUpgradeStore } from './database/DatabaseUpgradeStore';
import type { MeshUpgradeDocuments } from './database/UpgradeStore';
import { CacheUpgradeClusters } from './upgrades/UpgradeClusters';
import { UpgradeRecorder } from './upgrades/UpgradeRecorder';
import { UpgradeRunner } from './upgrades/UpgradeRunner';
import { UpgradeService } from './upgrades/UpgradeService';
import { MeshOverviewService } from './service/meshOverview';

/**
 * The service-mesh backend plugin: mesh status and self-service actions for
 * catalog entities, across the clusters of the Kubernetes plugin's config.
 *
 * @public
 */
export const serviceMeshPlugin = createBackendPlugin({
  pluginId: 'service-mesh',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        database: coreServices.database,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        auditor,
        config,
        logger,
        lifecycle,
        database,
        catalog,
        signals,
      }) {
        permissionsRegistry.addPermissions(serviceMeshPermissions);
        const clusters = new ClusterRegistry(
          readMeshClusters(config, logger),
          logger,
          readClusterRegistryOptions(config),
        );
        // One set of turns per object written, for actions and upgrades alike.
        const writeTurns = new KeyedQueue();
        const statusSignals = new EntityStatusSignals({ signals, logger });
        const stopStatusSignals = statusSignals.watch(clusters.all());
        const serviceMesh = new DefaultServiceMeshService({
          clusters,
          logger,
          writeTurns,
          statusSignals,
        });
        const store = await DatabaseUpgradeStore.create<MeshUpgradeDocuments>({
          database,
        });
        const recorder = new UpgradeRecorder(store, logger, signals);
        const upgradeClusters = new CacheUpgradeClusters(clusters, writeTurns);
        const runner = new UpgradeRunner({
          store,
          recorder,
          clusters: upgradeClusters,
          logger,
        });
        const upgrades = new UpgradeService({
          store,
          recorder,
          clusters: upgradeClusters,
          onChange: () => runner.wake(),
        });
        // Caches fill in the background; status reports "not synced"
        // meanwhile, and the runner waits for them.
        lifecycle.addStartupHook(() => {
          void clusters.start();
          runner.start();
        });
        lifecycle.addShutdownHook(async () => {
          await runner.stop();
          stopStatusSignals();
          statusSignals.stop();
          clusters.stop();
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            auditor,
            catalog,
            serviceMesh,
            upgrades,
            meshOverview: new MeshOverviewService({ clusters, catalog }),
            namespaces: new NamespaceProvisioner({ clusters, writeTurns }),
          }),
        );
      },
    });
  },
});
