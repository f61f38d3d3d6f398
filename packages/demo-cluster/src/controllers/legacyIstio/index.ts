export { applyLegacyControlPlane } from './controlPlane';
export { INSTALLER_JOB, startInstallationController } from './installation';
export type {
  InstallationControllerOptions,
  InstallationSpec,
} from './installation';
export { LEGACY_COMPONENTS, LEGACY_INJECTOR, legacyProxyImage } from './model';
export type { LegacyControlPlane } from './model';
export { ossm1ControlPlane, ossm1ControlPlaneController } from './ossm1';
export type { SmcpV1Spec } from './ossm1';
