import type { MeshFlavour } from '@mesh-backstage/plugin-service-mesh-common';
import { istioUpgradeFlavour } from './istio';
import {
  istioLegacyUpgradeFlavour,
  maistra0UpgradeFlavour,
  ossm1UpgradeFlavour,
} from './legacy';
import { ossm2UpgradeFlavour } from './ossm2';
import { sailUpgradeFlavour } from './sail';
import type { UpgradeFlavourAdapter } from './types';

export type {
  FlavourUpgradePlan,
  NamespaceMoveDraft,
  UpgradeFlavourAdapter,
  UpgradePlanRefusal,
} from './types';
export { istioUpgradeFlavour, tagWebhookPatch } from './istio';
export { sailUpgradeFlavour } from './sail';
export { ossm2UpgradeFlavour } from './ossm2';
export {
  injectionLabelsOf,
  relabelOperation,
  relabelWanted,
  restoreWanted,
} from './labelled';

export const upgradeFlavours: Record<MeshFlavour, UpgradeFlavourAdapter> = {
  istio: istioUpgradeFlavour,
  sail: sailUpgradeFlavour,
  ossm2: ossm2UpgradeFlavour,
  istioLegacy: istioLegacyUpgradeFlavour,
  maistra0: maistra0UpgradeFlavour,
  ossm1: ossm1UpgradeFlavour,
};
