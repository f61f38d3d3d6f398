/*
 * Shapes of the service-mesh HTTP API, shared by the backend that answers and
 * the frontend that asks. They are generated from the backend's OpenAPI
 * document (plugins/service-mesh-backend/src/schema/openapi.yaml, `yarn
 * schema:openapi`); this file only gives them their names. Field docs live in
 * the document.
 */
import type { components, paths } from './generated/openapi';

type Schemas = components['schemas'];

/**
 * The routes of the HTTP API, as openapi-typescript generates them.
 *
 * @public
 */
export type ServiceMeshApiPaths = paths;

/** @public */
export type MeshFlavour = Schemas['MeshFlavour'];
/** @public */
export type RevisionInfo = Schemas['RevisionInfo'];
/** @public */
export type RevisionTagInfo = Schemas['RevisionTagInfo'];
/** @public */
export type ControlPlaneInfo = Schemas['ControlPlaneInfo'];
/** @public */
export type MembershipVia = Schemas['MembershipVia'];
/** @public */
export type MeshCondition = Schemas['MeshCondition'];
/** @public */
export type MembershipInfo = Schemas['MembershipInfo'];
/** @public */
export type InjectionMode = Schemas['InjectionMode'];
/** @public */
export type InjectionInfo = Schemas['InjectionInfo'];
/** @public */
export type ProxyInfo = Schemas['ProxyInfo'];
/** @public */
export type WorkloadKind = Schemas['WorkloadKind'];
/** @public */
export type WorkloadRef = Schemas['WorkloadRef'];
/** @public */
export type ListedWorkloadKind = Schemas['ListedWorkloadKind'];
/** @public */
export type ListedWorkloadRef = Schemas['ListedWorkloadRef'];
/** @public */
export type MeshLinks = Schemas['MeshLinks'];
/** @public */
export type WorkloadMeshStatus = Schemas['WorkloadMeshStatus'];
/** @public */
export type SidecarResourceInfo = Schemas['SidecarResourceInfo'];
/** @public */
export type VisibleServicesInfo = Schemas['VisibleServicesInfo'];
/** @public */
export type WarningSeverity = Schemas['WarningSeverity'];
/** @public */
export type WarningFix = Schemas['WarningFix'];
/** @public */
export type MeshWarning = Schemas['MeshWarning'];
/** @public */
export type NamespaceMeshStatus = Schemas['NamespaceMeshStatus'];
/** @public */
export type ClusterMeshStatus = Schemas['ClusterMeshStatus'];
/** @public */
export type EntityMeshStatus = Schemas['EntityMeshStatus'];
/** @public */
export type MeshOverview = Schemas['MeshOverview'];
/** @public */
export type MeshClusterOverview = Schemas['MeshClusterOverview'];
/** @public */
export type MeshNamespaceOverview = Schemas['MeshNamespaceOverview'];

/** @public */
export type MeshActionRequestBase = Schemas['MeshActionRequestBase'];
/** @public */
export type EnrollRequest = Schemas['EnrollRequest'];
/** @public */
export type UnenrollRequest = Schemas['UnenrollRequest'];
/** @public */
export type InjectionSetting = Schemas['InjectionSetting'];
/** @public */
export type SetInjectionRequest = Schemas['SetInjectionRequest'];
/** @public */
export type SwitchRevisionRequest = Schemas['SwitchRevisionRequest'];
/** @public */
export type RestartRequest = Schemas['RestartRequest'];
/** @public */
export type SidecarEgressRequest = Schemas['SidecarEgressRequest'];
/** @public */
export type ServiceEntryRequest = Schemas['ServiceEntryRequest'];
/** @public */
export type NamespaceProvisionRequest = Schemas['NamespaceProvisionRequest'];
/** @public */
export type ControlPlaneList = Schemas['ControlPlaneList'];

/** @public */
export type JsonPatchOperation = Schemas['JsonPatchOperation'];
/** @public */
export type KubeVerb = Schemas['KubeVerb'];
/** @public */
export type KubeOperation = Schemas['KubeOperation'];
/** @public */
export type ObjectChange = Schemas['ObjectChange'];
/** @public */
export type PlannedChange = Schemas['PlannedChange'];
/** @public */
export type PodRef = Schemas['PodRef'];
/** @public */
export type MeshActionResponse = Schemas['MeshActionResponse'];
/** @public */
export type RestartResponse = Schemas['RestartResponse'];
/** @public */
export type SidecarEgressResponse = Schemas['SidecarEgressResponse'];
/**
 * Backstage's error body, as the backend answers every 4xx and 5xx.
 *
 * @public
 */
export type ErrorResponseBody = Schemas['ErrorBody'];

type ActionPath<A extends string> =
  `/entities/{kind}/{namespace}/{name}/actions/${A}`;

type JsonContent<T> = T extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/**
 * The self-service actions: one `POST .../actions/<name>` route each.
 *
 * @public
 */
export type ServiceMeshActionName = {
  [P in keyof paths]: P extends ActionPath<infer A> ? A : never;
}[keyof paths];

/**
 * The request body of each action.
 *
 * @public
 */
export type ServiceMeshActionRequests = {
  [A in ServiceMeshActionName]: JsonContent<
    paths[ActionPath<A>]['post']['requestBody']
  >;
};

/**
 * The response of each action.
 *
 * @public
 */
export type ServiceMeshActionResponses = {
  [A in ServiceMeshActionName]: JsonContent<
    paths[ActionPath<A>]['post']['responses'][200]
  >;
};

// Canary control-plane upgrades.

/** @public */
export type UpgradeRequestBody = Schemas['UpgradeRequest'];
/** @public */
export type UpgradeOperationRequest = Schemas['UpgradeOperationRequest'];
/**
 * The operations people apply to an upgrade.
 *
 * @public
 */
export type UpgradeOperationName =
  paths['/upgrades/{upgradeId}/operations/{operation}']['post']['parameters']['path']['operation'];
/** @public */
export type UpgradePlanResponse = Schemas['UpgradePlanResponse'];
/** @public */
export type UpgradeSummary = Schemas['UpgradeSummary'];
/** @public */
export type UpgradeBatch = Schemas['UpgradeBatch'];
/** @public */
export type UpgradeDetails = Schemas['UpgradeDetails'];
/** @public */
export type UpgradeList = Schemas['UpgradeList'];
/**
 * One entry of an upgrade's event history.
 *
 * @public
 */
export type UpgradeHistoryEvent = Schemas['UpgradeEvent'];
/** @public */
export type UpgradeEventList = Schemas['UpgradeEventList'];
