import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { serviceMeshPermissions } from '@mesh-backstage/plugin-service-mesh-common';
import { createRouter } from './service/router';
import {
  readClusterRegistryOptions,
  readMeshClusters,
} from './kubernetes/clusterConfig';
import { ClusterRegistry } from './kubernetes/ClusterRegistry';
import { DefaultServiceMeshService } from './service/DefaultServiceMeshService';

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
        catalog: catalogServiceRef,
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
        catalog,
      }) {
        permissionsRegistry.addPermissions(serviceMeshPermissions);
        const clusters = new ClusterRegistry(
          readMeshClusters(config, logger),
          logger,
          readClusterRegistryOptions(config),
        );
        // Caches fill in the background; status reports "not synced" meanwhile.
        lifecycle.addStartupHook(() => {
          void clusters.start();
        });
        lifecycle.addShutdownHook(() => clusters.stop());
        const serviceMesh = new DefaultServiceMeshService({ clusters, logger });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            auditor,
            catalog,
            serviceMesh,
          }),
        );
      },
    });
  },
});
