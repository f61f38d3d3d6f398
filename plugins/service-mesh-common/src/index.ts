/**
 * Types, permissions and constants shared by the service-mesh frontend and
 * backend plugins.
 *
 * @packageDocumentation
 */

export * from './actionLabels';
export * from './annotations';
export * from './labels';
export * from './labelSelector';
export * from './names';
export * from './permissions';
export * from './signalChannels';
export * from './types';
export * from './upgradePhases';
export * from './sidecarEgress';
export * from './serviceEntry';
export * from './workloadKinds';
