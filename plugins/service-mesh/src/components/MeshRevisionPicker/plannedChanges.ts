import type { ControlPlaneInfo } from '@mesh-backstage/plugin-service-mesh-common';

/** What the "Meshed service" template's form knows when the review is shown. */
export interface MeshedServiceChoice {
  /** The service's name, which is also its namespace. */
  name?: string;
  cluster?: string;
  controlPlane?: ControlPlaneInfo;
  /** Revision or tag; absent on OSSM 2. */
  revision?: string;
  /** namespace/dnsName hosts; empty means own namespace plus control plane. */
  egressHosts?: string[];
}

/**
 * The changes the template's steps will make, one line each, for the review
 * page. The steps' own dry runs (the backend's planners) remain what is
 * written; this only says it in the user's terms before the run.
 */
export function plannedChanges(choice: MeshedServiceChoice): string[] {
  const { name, cluster, controlPlane, revision } = choice;
  if (!name || !cluster || !controlPlane) return [];
  const given = (choice.egressHosts ?? []).filter(Boolean);
  const hosts = given.length ? given : ['./*', `${controlPlane.namespace}/*`];
  const enrolment =
    controlPlane.flavour === 'ossm2'
      ? `Add namespace ${name} to the member roll of ${controlPlane.namespace}`
      : `Label namespace ${name} istio.io/rev=${
          revision ?? controlPlane.defaultRevision ?? 'default'
        }`;
  return [
    `Create namespace ${name} on ${cluster}`,
    enrolment,
    `Create Deployment ${name} and Service ${name} in ${name}`,
    `Create Sidecar default in ${name} with egress ${hosts.join(', ')}`,
    `Register component:default/${name} in the catalog`,
  ];
}
