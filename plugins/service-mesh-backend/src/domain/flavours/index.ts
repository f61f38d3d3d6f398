import type { MeshFlavour } from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel } from '../controlPlane';
import type { ClusterSnapshot } from '../snapshot';
import { istioFlavour } from './istio';
import { ossm2Flavour } from './ossm2';
import { sailFlavour } from './sail';
import type { MeshFlavourAdapter } from './types';

export type { EnrollmentInput, MeshFlavourAdapter } from './types';
export { istioFlavour } from './istio';
export { ossm2Flavour, findMemberRoll, findMember } from './ossm2';
export { sailFlavour } from './sail';
export { matchesDiscoverySelectors } from './labelled';

export const meshFlavours: Record<MeshFlavour, MeshFlavourAdapter> = {
  ossm2: ossm2Flavour,
  sail: sailFlavour,
  istio: istioFlavour,
};

/** Every control plane on the cluster, OSSM 2 first, then Sail, then upstream Istio. */
export function detectControlPlanes(
  snapshot: ClusterSnapshot,
): ControlPlaneModel[] {
  return [ossm2Flavour, sailFlavour, istioFlavour].flatMap(flavour =>
    flavour.detect(snapshot),
  );
}
