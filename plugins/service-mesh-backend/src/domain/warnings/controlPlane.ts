import type { NamespaceAnalysis } from '../analysis';
import { WARNING_CODES } from './codes';
import type { WarningRule } from './types';

/** The only rule for a namespace no control plane serves or could serve. */
export const noControlPlane: WarningRule<NamespaceAnalysis> = {
  code: WARNING_CODES.noControlPlane,
  severity: 'info',
  detect(analysis) {
    if (analysis.controlPlane) {
      return [];
    }
    const cluster = analysis.context.snapshot.cluster;
    const ns = analysis.namespace.metadata.name;
    return [
      {
        message: `Cluster ${cluster} has no service-mesh control plane, so ${ns} cannot join a mesh there`,
      },
    ];
  },
};
