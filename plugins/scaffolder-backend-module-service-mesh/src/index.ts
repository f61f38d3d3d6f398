/**
 * The service-mesh module for @backstage/plugin-scaffolder-backend: template
 * actions that enroll a new service's namespace in the mesh.
 *
 * @packageDocumentation
 */

export { scaffolderModule as default } from './module';
export { createEnrollAction } from './actions/enroll';
export { createInjectionAction } from './actions/injection';
export { createSidecarEgressAction } from './actions/egress';
export { createApplyManifestsAction } from './actions/applyManifests';
export { createWaitAction } from './actions/wait';
