import type { MeshFlavour } from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel } from '../controlPlane';
import type { ClusterSnapshot } from '../snapshot';
import { istioFlavour } from './istio';
import { istioLegacyFlavour } from './istioLegacy';
import { maistra0Flavour } from './maistra0';
import { ossm1Flavour } from './ossm1';
import { ossm2Flavour } from './ossm2';
import { sailFlavour } from './sail';
import type { MeshFlavourAdapter } from './types';

export type { EnrollmentInput, MeshFlavourAdapter } from './types';
export { istioFlavour } from './istio';
export { ossm2Flavour, findMemberRoll, findMember } from './ossm2';
export { sailFlavour } from './sail';
export { matchesDiscoverySelectors } from './labelled';
export { istioLegacyFlavour } from './istioLegacy';
export {
  maistra0Flavour,
  maistra0Namespaces,
  MAISTRA0_OPERATOR_NAMESPACE,
} from './maistra0';
export { ossm1Flavour } from './ossm1';
export { legacyInjectionRules } from './legacyLayout';

export const meshFlavours: Record<MeshFlavour, MeshFlavourAdapter> = {
  ossm2: ossm2Flavour,
  sail: sailFlavour,
  istio: istioFlavour,
  ossm1: ossm1Flavour,
  maistra0: maistra0Flavour,
  istioLegacy: istioLegacyFlavour,
};

/**
 * Every control plane on the cluster: OSSM 2, Sail, upstream Istio, then
 * the layouts before istiod (OSSM 1, Maistra 0, Istio 1.0–1.4).
 */
export function detectControlPlanes(
  snapshot: ClusterSnapshot,
): ControlPlaneModel[] {
  return [
    ossm2Flavour,
    sailFlavour,
    istioFlavour,
    ossm1Flavour,
    maistra0Flavour,
    istioLegacyFlavour,
  ].flatMap(flavour => flavour.detect(snapshot));
}
