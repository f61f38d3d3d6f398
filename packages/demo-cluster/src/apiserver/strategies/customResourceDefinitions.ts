import { compareVersionPriority } from '../objects';
import { invalid } from '../status';
import { KubeObject, ResourceType } from '../types';
import { genericStrategy, ResourceStrategy } from './strategy';

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: ResourceType['printerColumns'];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    shortNames?: string[];
    categories?: string[];
    listKind?: string;
  };
  versions?: CrdVersion[];
}

function validateCrd(resource: ResourceType, crd: KubeObject): void {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const name = crd.metadata.name;
  const required = (field: string, value: unknown) => {
    if (!value) {
      throw invalid(resource, name, field, 'Required value');
    }
  };
  required('spec.group', spec.group);
  required('spec.names.plural', spec.names?.plural);
  required('spec.names.kind', spec.names?.kind);
  required('spec.versions', spec.versions?.length);
  if (name !== `${spec.names!.plural}.${spec.group}`) {
    throw invalid(
      resource,
      name,
      'metadata.name',
      `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    );
  }
  if (!spec.versions!.some(version => version.served !== false)) {
    throw invalid(
      resource,
      name,
      'spec.versions',
      'must have at least one served version',
    );
  }
}

/** The resource type a CustomResourceDefinition serves. */
export function resourceFromCrd(crd: KubeObject): ResourceType {
  const spec = crd.spec as CrdSpec;
  const served = (spec.versions ?? [])
    .filter(version => version.served !== false)
    .sort((a, b) => compareVersionPriority(a.name, b.name));
  const storage = served.find(version => version.storage) ?? served[0];
  const names = spec.names!;
  const subresources = [
    ...(storage?.subresources?.status ? ['status'] : []),
    ...(storage?.subresources?.scale ? ['scale'] : []),
  ];
  return {
    group: spec.group!,
    version: served[0]?.name ?? 'v1',
    versions: served.map(version => version.name),
    kind: names.kind!,
    plural: names.plural!,
    singular: names.singular ?? names.kind!.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: names.shortNames,
    categories: names.categories,
    subresources,
    printerColumns: storage?.additionalPrinterColumns,
  };
}

/** The status the apiextensions controllers would settle on: names accepted, established. */
function establishedCrdStatus(crd: KubeObject): Record<string, unknown> {
  const spec = crd.spec as CrdSpec;
  const previous = (crd.status ?? {}) as {
    conditions?: Array<{ type: string; lastTransitionTime?: string }>;
  };
  const since = (type: string) =>
    previous.conditions?.find(condition => condition.type === type)
      ?.lastTransitionTime ?? crd.metadata.creationTimestamp;
  return {
    acceptedNames: {
      ...spec.names,
      singular: spec.names?.singular ?? spec.names?.kind?.toLowerCase(),
      listKind: spec.names?.listKind ?? `${spec.names?.kind}List`,
    },
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: since('NamesAccepted'),
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: since('Established'),
      },
    ],
    storedVersions: (spec.versions ?? [])
      .filter(version => version.storage)
      .map(version => version.name),
  };
}

/**
 * A CustomResourceDefinition is served as soon as it is stored, with its
 * status set as if the apiextensions controllers had accepted it at once;
 * deleting it stops serving the type and drops its objects.
 */
export const crdStrategy: ResourceStrategy = {
  ...genericStrategy,
  validate(resource, crd, store) {
    genericStrategy.validate(resource, crd, store);
    validateCrd(resource, crd);
  },
  canonicalize(crd) {
    crd.status = establishedCrdStatus(crd);
  },
  afterWrite(crd, store) {
    store.registerResource(resourceFromCrd(crd));
  },
  afterDelete(crd, store) {
    store.unregisterResource(resourceFromCrd(crd));
  },
};
