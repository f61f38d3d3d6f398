import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { serviceMeshServiceRef } from '@mesh-backstage/plugin-service-mesh-node';
import { createApplyManifestsAction } from './actions/applyManifests';
import { createSidecarEgressAction } from './actions/egress';
import { createEnrollAction } from './actions/enroll';
import { createInjectionAction } from './actions/injection';
import { createWaitAction } from './actions/wait';

/**
 * The service-mesh template actions. Each calls the service-mesh backend's
 * HTTP API on behalf of the user who runs the template.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'service-mesh',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        serviceMesh: serviceMeshServiceRef,
      },
      async init({ scaffolderActions, serviceMesh }) {
        scaffolderActions.addActions(
          createEnrollAction({ serviceMesh }),
          createInjectionAction({ serviceMesh }),
          createSidecarEgressAction({ serviceMesh }),
          createApplyManifestsAction({ serviceMesh }),
          createWaitAction({ serviceMesh }),
        );
      },
    });
  },
});
