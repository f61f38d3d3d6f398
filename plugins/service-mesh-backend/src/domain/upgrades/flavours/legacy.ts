import type { MeshFlavour } from '@mesh-backstage/plugin-service-mesh-common';
import type { UpgradeFlavourAdapter } from './types';

/**
 * Control planes from before istiod (Istio 1.0–1.4, Maistra 0.x, OSSM 1.x)
 * have no revisions to move namespaces between: they are upgraded by their
 * installer in place, which this plugin does not drive.
 */
function unsupported(flavour: MeshFlavour): UpgradeFlavourAdapter {
  return {
    flavour,
    plan: ({ controlPlane }) => ({
      ok: false,
      kind: 'conflict',
      code: 'SM-UPGRADE-FLAVOUR-UNSUPPORTED',
      message: `Control plane ${controlPlane.namespace} (${flavour}) predates istiod and has no revisions to upgrade between; upgrade it with its installer (Helm, the Maistra operator or the OSSM 1 operator)`,
    }),
  };
}

export const istioLegacyUpgradeFlavour = unsupported('istioLegacy');
export const maistra0UpgradeFlavour = unsupported('maistra0');
export const ossm1UpgradeFlavour = unsupported('ossm1');
