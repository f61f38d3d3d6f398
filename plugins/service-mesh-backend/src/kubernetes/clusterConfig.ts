import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';
import type { ClusterRegistryOptions } from './ClusterRegistry';

/** One cluster, as the Backstage Kubernetes plugin's config describes it. */
export interface MeshClusterConfig {
  name: string;
  url: string;
  serviceAccountToken?: string;
  caData?: string;
  skipTLSVerify: boolean;
  /** Per-cluster mesh settings from `serviceMesh.clusters.<name>`. */
  kialiUrl?: string;
  jaegerUrl?: string;
  grafanaUrl?: string;
  /** How OSSM 2 namespaces are enrolled: the shared SMMR, or a ServiceMeshMember per namespace. */
  enrollment: 'memberRoll' | 'member';
}

/**
 * Reads clusters from `kubernetes.clusterLocatorMethods` (type `config`), the
 * same keys the Kubernetes plugin uses, so clusters are configured once.
 */
export function readMeshClusters(
  config: Config,
  logger: LoggerService,
): MeshClusterConfig[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: MeshClusterConfig[] = [];
  for (const method of methods) {
    const type = method.getString('type');
    if (type !== 'config') {
      logger.warn(
        `service-mesh: cluster locator type '${type}' is not supported yet; its clusters are not shown. Use type 'config'.`,
      );
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider = cluster.getOptionalString('authProvider');
      if (authProvider && authProvider !== 'serviceAccount') {
        logger.warn(
          `service-mesh: cluster '${name}' uses authProvider '${authProvider}'; only 'serviceAccount' is supported, so it is skipped.`,
        );
        continue;
      }
      const caFile = cluster.getOptionalString('caFile');
      // Cluster names may hold dots (`demo-istio-1.0`), which config keys
      // may not: look the name up among the keys instead of building one.
      const perCluster = config.getOptionalConfig('serviceMesh.clusters');
      const mesh = perCluster?.keys().includes(name)
        ? perCluster.getConfig(name)
        : undefined;
      clusters.push({
        name,
        url: cluster.getString('url'),
        serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        caData:
          cluster.getOptionalString('caData') ??
          (caFile
            ? Buffer.from(readFileSync(caFile)).toString('base64')
            : undefined),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        kialiUrl: mesh?.getOptionalString('kiali.url'),
        jaegerUrl: mesh?.getOptionalString('jaeger.url'),
        grafanaUrl: mesh?.getOptionalString('grafana.url'),
        enrollment: readEnrollment(name, mesh?.getOptionalString('enrollment')),
      });
    }
  }
  return clusters;
}

function readEnrollment(
  cluster: string,
  value: string | undefined,
): MeshClusterConfig['enrollment'] {
  if (value === undefined || value === 'memberRoll' || value === 'member') {
    return value ?? 'memberRoll';
  }
  throw new Error(
    `serviceMesh.clusters.${cluster}.enrollment must be 'memberRoll' or 'member', not '${value}'`,
  );
}

/** How the backend talks to every cluster, from `serviceMesh.*`; defaults apply to what is absent. */
export function readClusterRegistryOptions(
  config: Config,
): ClusterRegistryOptions {
  const seconds = (key: string) => {
    const value = config.getOptionalNumber(`serviceMesh.${key}`);
    if (value !== undefined && !(value > 0)) {
      throw new Error(
        `serviceMesh.${key} must be a positive number, not ${value}`,
      );
    }
    return value === undefined ? undefined : value * 1000;
  };
  const maxAttempts = config.getOptionalNumber(
    'serviceMesh.kubernetesRequests.retry.maxAttempts',
  );
  const maxInFlight = config.getOptionalNumber(
    'serviceMesh.kubernetesRequests.maxInFlightPerCluster',
  );
  for (const [key, value] of Object.entries({ maxAttempts, maxInFlight })) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new Error(
        `serviceMesh.kubernetesRequests: ${key} must be a whole number of at least 1, not ${value}`,
      );
    }
  }
  const budgetMs = seconds('kubernetesRequests.retry.budgetSeconds');
  return {
    staleAfterMs: seconds('staleAfterSeconds'),
    requestTimeoutMs: seconds('kubernetesRequests.timeoutSeconds'),
    maxInFlight,
    retry: {
      ...(maxAttempts !== undefined && { maxAttempts }),
      ...(budgetMs !== undefined && { budgetMs }),
    },
  };
}
