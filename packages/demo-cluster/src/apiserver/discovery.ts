import { compareVersionPriority, servedVersions } from './objects';
import { ResourceType } from './types';

/** The Kubernetes version the demo cluster claims to be. */
export const SERVER_VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0-demo-cluster',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-04-17T00:00:00Z',
  goVersion: 'go1.22.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** Answers `/api`. */
export function coreApiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** Every version a group serves, preferred first. */
export function groupVersions(
  resources: ResourceType[],
  group: string,
): string[] {
  const versions = new Set<string>();
  for (const resource of resources) {
    if (resource.group === group) {
      servedVersions(resource).forEach(version => versions.add(version));
    }
  }
  return [...versions].sort(compareVersionPriority);
}

/** Answers `/apis`. */
export function apiGroupList(resources: ResourceType[]) {
  const groups = [
    ...new Set(resources.map(resource => resource.group).filter(Boolean)),
  ].sort();
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map(name => {
      const versions = groupVersions(resources, name).map(version => ({
        groupVersion: `${name}/${version}`,
        version,
      }));
      return { name, versions, preferredVersion: versions[0] };
    }),
  };
}

/** Answers `/apis/<group>` with the group's versions, or undefined if unknown. */
export function apiGroup(resources: ResourceType[], group: string) {
  const versions = groupVersions(resources, group).map(version => ({
    groupVersion: `${group}/${version}`,
    version,
  }));
  if (versions.length === 0) {
    return undefined;
  }
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions,
    preferredVersion: versions[0],
  };
}

/** Answers `/api/v1` or `/apis/<group>/<version>`, or undefined if not served. */
export function apiResourceList(
  resources: ResourceType[],
  group: string,
  version: string,
) {
  const served = resources
    .filter(
      resource =>
        resource.group === group && servedVersions(resource).includes(version),
    )
    .sort((a, b) => a.plural.localeCompare(b.plural));
  if (served.length === 0) {
    return undefined;
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: served.flatMap(resource => [
      {
        name: resource.plural,
        singularName: resource.singular,
        namespaced: resource.namespaced,
        kind: resource.kind,
        verbs: resource.verbs ?? ALL_VERBS,
        ...(resource.shortNames?.length && {
          shortNames: resource.shortNames,
        }),
        ...(resource.categories?.length && {
          categories: resource.categories,
        }),
      },
      ...(resource.subresources ?? []).map(subresource => ({
        name: `${resource.plural}/${subresource}`,
        singularName: '',
        namespaced: resource.namespaced,
        ...(subresource === 'scale'
          ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
          : { kind: subresource === 'log' ? 'Pod' : resource.kind }),
        verbs: subresource === 'log' ? ['get'] : SUBRESOURCE_VERBS,
      })),
    ]),
  };
}
