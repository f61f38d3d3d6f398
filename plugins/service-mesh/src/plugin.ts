import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { serviceMeshApiRef, ServiceMeshClient } from './api';
import { meshPageRouteRef } from './routes';

/**
 * Route of the entity's "Service mesh" tab in apps on the legacy frontend
 * system.
 *
 * @public
 */
export const serviceMeshEntityContentRouteRef = createRouteRef({
  id: 'service-mesh:entity-content',
});

/**
 * Route of the "Service mesh" platform page in apps on the legacy frontend
 * system (the same route as the new system's page).
 *
 * @public
 */
export const serviceMeshPageRouteRef = convertLegacyRouteRef(meshPageRouteRef);

/**
 * The plugin for apps on the legacy frontend system; the new frontend
 * system uses the default export of `@mesh-backstage/plugin-service-mesh/alpha`.
 *
 * @public
 */
export const serviceMeshPlugin = createPlugin({
  id: 'service-mesh',
  apis: [
    createApiFactory({
      api: serviceMeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceMeshClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    entityContent: serviceMeshEntityContentRouteRef,
    meshPage: serviceMeshPageRouteRef,
  },
});

/**
 * The "Service mesh" card for an entity's overview page.
 *
 * @public
 */
export const EntityServiceMeshCard = serviceMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityServiceMeshCard',
    component: {
      lazy: () =>
        import('./components/ServiceMeshCard').then(m => m.ServiceMeshCard),
    },
  }),
);

/**
 * The "Service mesh" tab of an entity page.
 *
 * @public
 */
export const EntityServiceMeshContent = serviceMeshPlugin.provide(
  createRoutableExtension({
    name: 'EntityServiceMeshContent',
    component: () =>
      import('./components/ServiceMeshContent').then(m => m.ServiceMeshContent),
    mountPoint: serviceMeshEntityContentRouteRef,
  }),
);

/**
 * The "Service mesh" platform page: the mesh across clusters, and canary
 * control-plane upgrades. Mount it at a path of its own, such as
 * `<Route path="/service-mesh" element={<ServiceMeshPage />} />`.
 *
 * @public
 */
export const ServiceMeshPage = serviceMeshPlugin.provide(
  createRoutableExtension({
    name: 'ServiceMeshPage',
    component: () => import('./components/MeshPage').then(m => m.MeshPage),
    mountPoint: serviceMeshPageRouteRef,
  }),
);
