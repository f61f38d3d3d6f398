/**
 * A local Kubernetes API server with simulated service-mesh controllers, for
 * running and testing the service-mesh plugins without a real cluster.
 *
 * @packageDocumentation
 */

export * from './apiserver/types';
export { ClusterStore } from './apiserver/ClusterStore';
export type {
  ClusterStoreOptions,
  WatchOptions,
} from './apiserver/ClusterStore';
export { builtinResources } from './apiserver/builtinResources';
export { Faults } from './apiserver/faults';
export type {
  FaultRule,
  FaultVerb,
  FaultVerbSelector,
  FaultDecision,
  Reachability,
  UnreachableMode,
} from './apiserver/faults';
export type {
  FaultWorkloadKind,
  PodFailureMode,
  WorkloadFault,
  WorkloadRef,
} from './apiserver/workloadFaults';
export type {
  RequestOutcome,
  RequestCountRow,
  RequestCountFilter,
} from './apiserver/requestCounter';
export { READ_ONLY_RULES } from './apiserver/authorization';
export type { AccessRule, DemoUser } from './apiserver/authorization';
export { KubeApiServer } from './apiserver/httpServer';
export type { KubeApiServerOptions } from './apiserver/httpServer';
export { applyPatch } from './apiserver/patch';
export {
  compileSelectors,
  parseLabelSelectorParam,
} from './apiserver/selectors';
export {
  startDemoCluster,
  buildKubeconfig,
  writeKubeconfig,
} from './DemoCluster';
export type {
  DemoCluster,
  DemoClusterOptions,
  Kubeconfig,
  KubeconfigCluster,
} from './DemoCluster';
export { scenarios, demoScenarioNames } from './scenarios';
export type { Scenario, ScenarioComponent, ScenarioOptions } from './scenarios';
