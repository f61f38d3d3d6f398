import type {
  ClusterMeshStatus,
  NamespaceMeshStatus,
  SidecarResourceInfo,
} from '@mesh-backstage/plugin-service-mesh-common';
import { analyzeNamespace, type StatusOptions } from './analysis';
import { toControlPlaneInfo } from './controlPlane';
import type { IstioSidecar } from './kube';
import { namespaceLinks } from './links';
import { buildMeshContext, meshVisibleServices, MeshContext } from './mesh';
import {
  countVisibleServices,
  egressHostsOf,
  namespaceDefaultSidecar,
} from './sidecarScope';
import { findNamespace, type ClusterSnapshot } from './snapshot';
import { deriveNamespaceWarnings, WARNING_CODES } from './warnings';

/** What the cache knows about reaching a cluster. */
export interface ClusterState {
  reachable: boolean;
  synced: boolean;
  dataAsOf?: Date;
  error?: string;
}

function sidecarInfo(sidecar: IstioSidecar): SidecarResourceInfo {
  return {
    name: sidecar.metadata.name,
    egressHosts: egressHostsOf(sidecar),
    workloadSelector: sidecar.spec?.workloadSelector?.labels,
  };
}

/** The status of one namespace, as the API reports it. */
export function deriveNamespaceStatus(
  context: MeshContext,
  namespaceName: string,
  options: StatusOptions = {},
): NamespaceMeshStatus {
  const namespace = findNamespace(context.snapshot, namespaceName);
  if (!namespace) {
    return {
      name: namespaceName,
      membership: { member: false },
      injection: { mode: 'unset', perWorkload: false },
      workloads: [],
      sidecars: [],
      visibleServices: { all: 0 },
      warnings: [
        {
          code: WARNING_CODES.namespaceNotFound,
          severity: 'info',
          message: `Namespace ${namespaceName} does not exist on cluster ${context.snapshot.cluster}`,
          namespace: namespaceName,
        },
      ],
      links: {},
    };
  }
  const analysis = analyzeNamespace(context, namespace, options);
  const visible = meshVisibleServices(context, analysis.controlPlane);
  const defaultSidecar = namespaceDefaultSidecar(
    context.snapshot.sidecars,
    namespaceName,
    analysis.controlPlane?.namespace,
  );
  return {
    name: namespaceName,
    controlPlane: analysis.controlPlane
      ? toControlPlaneInfo(analysis.controlPlane)
      : undefined,
    membership: analysis.membership,
    injection: analysis.injection,
    workloads: analysis.workloads.map(w => w.status),
    sidecars: analysis.sidecars.map(sidecarInfo),
    visibleServices: {
      all: visible.length,
      withSidecarEgress: defaultSidecar
        ? countVisibleServices(
            visible,
            egressHostsOf(defaultSidecar),
            namespaceName,
            options.clusterDomain,
          )
        : undefined,
    },
    warnings: deriveNamespaceWarnings(analysis),
    links: namespaceLinks(analysis.linkBases, [namespaceName]),
  };
}

/** One cluster's part of an entity's status. */
export function deriveClusterStatus(
  snapshot: ClusterSnapshot | MeshContext,
  state: ClusterState,
  namespaces: string[],
  options: StatusOptions = {},
): ClusterMeshStatus {
  const context =
    'controlPlanes' in snapshot ? snapshot : buildMeshContext(snapshot);
  const base = {
    name: context.snapshot.cluster,
    reachable: state.reachable,
    error: state.error,
    synced: state.synced,
    dataAsOf: state.dataAsOf?.toISOString(),
  };
  if (!state.reachable && !state.synced) {
    return { ...base, controlPlanes: [], namespaces: [] };
  }
  return {
    ...base,
    controlPlanes: context.controlPlanes.map(toControlPlaneInfo),
    namespaces: namespaces.map(ns =>
      deriveNamespaceStatus(context, ns, options),
    ),
  };
}
