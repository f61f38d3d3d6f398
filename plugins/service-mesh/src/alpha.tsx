import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { serviceMeshApiRef, ServiceMeshClient } from './api';
import { isServiceMeshAvailable } from './lib/isServiceMeshAvailable';
import { meshPageRouteRef } from './routes';

/** @alpha */
export const serviceMeshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: serviceMeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceMeshClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The "Service mesh" card on the overview of entities with Kubernetes
 * annotations: `entity-card:service-mesh`.
 *
 * @alpha
 */
export const serviceMeshEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isServiceMeshAvailable,
    loader: () =>
      import('./components/ServiceMeshCard').then(m => <m.ServiceMeshCard />),
  },
});

/**
 * The "Service mesh" tab of entities with Kubernetes annotations:
 * `entity-content:service-mesh`.
 *
 * @alpha
 */
export const serviceMeshEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'service-mesh',
    title: 'Service mesh',
    filter: isServiceMeshAvailable,
    loader: () =>
      import('./components/ServiceMeshContent').then(m => (
        <m.ServiceMeshContent />
      )),
  },
});

/**
 * The "Service mesh" platform page in the sidebar: the mesh across clusters,
 * and canary control-plane upgrades started and watched live:
 * `page:service-mesh`.
 *
 * @alpha
 */
export const serviceMeshPage = PageBlueprint.make({
  params: {
    path: '/service-mesh',
    title: 'Service mesh',
    icon: <DeviceHubIcon fontSize="inherit" />,
    routeRef: meshPageRouteRef,
    loader: () => import('./components/MeshPage').then(m => <m.MeshPage />),
  },
});

/**
 * The service-mesh plugin for the new frontend system.
 *
 * @alpha
 */
/**
 * Scaffolder field `MeshRevisionPicker`: cluster, control plane and revision
 * or tag from the live mesh, for the "Meshed service" template.
 *
 * @alpha
 */
export const meshRevisionPickerFormField = FormFieldBlueprint.make({
  name: 'mesh-revision-picker',
  params: {
    field: () =>
      import('./components/MeshRevisionPicker').then(m =>
        createFormField({
          name: 'MeshRevisionPicker',
          component: m.MeshRevisionPicker,
          validation: m.validateMeshRevision,
        }),
      ),
  },
});

export default createFrontendPlugin({
  pluginId: 'service-mesh',
  title: 'Service mesh',
  routes: { meshPage: meshPageRouteRef },
  extensions: [
    serviceMeshApi,
    serviceMeshPage,
    serviceMeshEntityCard,
    serviceMeshEntityContent,
    meshRevisionPickerFormField,
  ],
});
