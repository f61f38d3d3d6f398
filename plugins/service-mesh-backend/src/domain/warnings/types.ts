import type { MeshWarning } from '@mesh-backstage/plugin-service-mesh-common';
import type { NamespaceAnalysis } from '../analysis';
import type { ControlPlaneModel } from '../controlPlane';
import type { WarningCode } from './codes';

/** A namespace with the control plane that serves, or could serve, it. */
export type ServedNamespace = NamespaceAnalysis & {
  controlPlane: ControlPlaneModel;
};

/** What a rule found; the rule adds its code and severity, the list the namespace. */
export type WarningFinding = Pick<MeshWarning, 'workload' | 'message' | 'fix'>;

/**
 * One warning, as data: a stable code and severity, and a pure function
 * from the namespace's analysis to what it finds (a message and, where
 * one action helps, its fix). Modelled on the error mappers of
 * Backstage's kubernetes-common error detection.
 */
export interface WarningRule<Input = ServedNamespace> {
  code: WarningCode;
  severity: MeshWarning['severity'];
  detect(analysis: Input): WarningFinding[];
}
