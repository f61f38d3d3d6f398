import type { InjectionSetting, ServiceMeshActionName } from './types';

/**
 * The one name of each action, on every button, fix and next step, so the
 * same change is never offered under two names.
 *
 * @public
 */
export const MESH_ACTION_LABELS: Record<
  Exclude<ServiceMeshActionName, 'setInjection'>,
  string
> = {
  enroll: 'Enroll in mesh',
  unenroll: 'Remove from mesh',
  restart: 'Restart workloads',
  switchRevision: 'Switch revision',
  sidecarEgress: 'Apply Sidecar egress',
  serviceEntry: 'Create ServiceEntry',
};

/**
 * The names of the three injection settings, which are one action each to
 * the people choosing them.
 *
 * @public
 */
export const INJECTION_ACTION_LABELS: Record<InjectionSetting, string> = {
  enabled: 'Enable injection',
  disabled: 'Disable injection',
  removed: 'Remove injection setting',
};
