import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ServiceMeshClient, ServiceMeshService } from './ServiceMeshClient';

/**
 * The service-mesh backend's API for other plugins, as a service: depend on
 * it in a module's `deps`. The default is a {@link ServiceMeshClient} over
 * discovery and auth.
 *
 * @public
 */
export const serviceMeshServiceRef = createServiceRef<ServiceMeshService>({
  id: 'service-mesh.client',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      factory: ({ discovery, auth }) =>
        new ServiceMeshClient({ discovery, auth }),
    }),
});
