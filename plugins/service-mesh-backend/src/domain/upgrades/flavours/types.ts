import type { MeshFlavour } from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel, RevisionModel } from '../../controlPlane';
import type { MeshContext } from '../../mesh';
import type {
  ControlPlaneStep,
  InjectionLabels,
  NamespaceMove,
  PlannedTagMove,
  StayingOnOldRevision,
  UpgradeRequest,
} from '../types';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';

export interface UpgradeFlavourInput {
  context: MeshContext;
  controlPlane: ControlPlaneModel;
  request: UpgradeRequest;
}

/** A namespace the upgrade moves, before batching. */
export interface NamespaceMoveDraft {
  namespace: string;
  canary: boolean;
  move: NamespaceMove;
  tag?: string;
  previousLabels: InjectionLabels;
  targetLabels: InjectionLabels;
  labelChange?: KubeOperation;
}

export type TagMoveDraft = Omit<PlannedTagMove, 'beforeBatch'>;

export interface FlavourUpgradePlan {
  ok: true;
  targetRevision: string;
  targetVersion?: string;
  fromVersion?: string;
  /** The target revision as it exists now; absent when the operator creates it. */
  target?: RevisionModel;
  /** The control plane changes version under its running proxies (OSSM 2). */
  inPlace: boolean;
  canaryLabel?: string;
  controlPlaneSteps: ControlPlaneStep[];
  moves: NamespaceMoveDraft[];
  tagMoves: TagMoveDraft[];
  staying: StayingOnOldRevision[];
}

export interface UpgradePlanRefusal {
  ok: false;
  /** `input` maps to 400, `conflict` to 409. */
  kind: 'input' | 'conflict';
  code: string;
  message: string;
}

/** How one control-plane flavour turns an upgrade request into moves. */
export interface UpgradeFlavourAdapter {
  readonly flavour: MeshFlavour;
  plan(input: UpgradeFlavourInput): FlavourUpgradePlan | UpgradePlanRefusal;
}

export function refuseUpgrade(
  kind: UpgradePlanRefusal['kind'],
  code: string,
  message: string,
): UpgradePlanRefusal {
  return { ok: false, kind, code, message };
}
