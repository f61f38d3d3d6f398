import { listedWorkloadRef } from '../workloads';
import { WARNING_CODES } from './codes';
import type { WarningRule } from './types';

/*
 * Istio's application requirements: ports named by protocol, and pods
 * labelled with `app` and `version`.
 */

const PROTOCOL_PREFIXES = [
  'grpc-web',
  'grpc',
  'http2',
  'https',
  'http',
  'mongo',
  'mysql',
  'redis',
  'tcp',
  'tls',
  'udp',
];

/** Istio's port naming convention: `<protocol>` or `<protocol>-<suffix>`. */
export function followsPortNamingConvention(name: string | undefined): boolean {
  const lower = (name ?? '').toLowerCase();
  return PROTOCOL_PREFIXES.some(p => lower === p || lower.startsWith(`${p}-`));
}

export const portNameConvention: WarningRule = {
  code: WARNING_CODES.portNameConvention,
  severity: 'info',
  detect(analysis) {
    return analysis.services.flatMap(service => {
      const unnamed = (service.spec.ports ?? []).filter(
        p => !p.appProtocol && !followsPortNamingConvention(p.name),
      );
      if (unnamed.length === 0) {
        return [];
      }
      return [
        {
          message: `Service ${service.metadata.name} has ports (${unnamed
            .map(p => p.name || String(p.port))
            .join(
              ', ',
            )}) whose name does not start with a protocol (http-, grpc-, tcp-...) and no appProtocol; Istio treats them as plain TCP.`,
        },
      ];
    });
  },
};

export const missingAppVersionLabels: WarningRule = {
  code: WARNING_CODES.missingAppVersionLabels,
  severity: 'info',
  detect(analysis) {
    return analysis.workloads.flatMap(w => {
      const inMesh = w.expected.injected || w.status.podsWithSidecar > 0;
      const templateLabels = w.workload.spec.template.metadata?.labels ?? {};
      const lacking = ['app', 'version'].filter(l => !templateLabels[l]);
      if (!inMesh || lacking.length === 0) {
        return [];
      }
      return [
        {
          workload: listedWorkloadRef(w.workload),
          message: `The pod template of ${
            w.workload.metadata.name
          } has no ${lacking.join(
            ' or ',
          )} label; Kiali and the Istio metrics group it less usefully.`,
        },
      ];
    });
  },
};
