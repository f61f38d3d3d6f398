import { egressHostsOf } from '../sidecarScope';
import { WARNING_CODES } from './codes';
import type { WarningRule } from './types';

/** The namespace parts of Sidecar egress hosts that name no namespace. */
const SPECIAL_NAMESPACES = ['.', '*', '~'];

export const referencedResourceNotFound: WarningRule = {
  code: WARNING_CODES.referencedResourceNotFound,
  severity: 'warning',
  detect(analysis) {
    const existing = new Set(
      analysis.context.snapshot.namespaces.map(n => n.metadata.name),
    );
    return analysis.sidecars.flatMap(sidecar => {
      const unknown = egressHostsOf(sidecar)
        .map(host => host.split('/')[0])
        .filter(n => !SPECIAL_NAMESPACES.includes(n) && !existing.has(n));
      if (unknown.length === 0) {
        return [];
      }
      return [
        {
          message: `Sidecar ${
            sidecar.metadata.name
          } lets proxies reach namespace ${[...new Set(unknown)].join(
            ', ',
          )}, which does not exist.`,
        },
      ];
    });
  },
};
