import { typeKey } from './objects';
import { BUILTIN_COLUMNS } from './table/builtinColumns';
import {
  age,
  ageColumn,
  Column,
  column,
  evaluateJsonPath,
  formatValue,
  nameColumn,
} from './table/cells';
import { KubeObject, ResourceType } from './types';

export { evaluateJsonPath, humanDuration } from './table/cells';

/** `meta.k8s.io` Table versions kubectl asks for: v1, and v1beta1 before 1.23-ish. */
export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Which Table version the Accept header asks for, if any. */
export function tableVersionFromAccept(
  accept: string | undefined,
): TableVersion | undefined {
  for (const mediaType of (accept ?? '').split(',')) {
    const params = new Map(
      mediaType
        .split(';')
        .slice(1)
        .map(param => param.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const version = params.get('v');
      if (version === 'v1' || version === 'v1beta1') {
        return version;
      }
    }
  }
  return undefined;
}

/** A CRD's additionalPrinterColumns, evaluated as the apiextensions server does. */
function printerColumns(resource: ResourceType): Column[] {
  const declared = resource.printerColumns ?? [];
  if (declared.length === 0) {
    return [nameColumn, ageColumn];
  }
  return [
    nameColumn,
    ...declared.map(printer =>
      column(
        printer.name,
        (object, now) => {
          const values = evaluateJsonPath(object, printer.jsonPath);
          if (values.length === 0) return null;
          if (printer.type === 'date') return age(values[0], now);
          if (printer.type === 'integer' || printer.type === 'number') {
            return Number(values[0]);
          }
          if (printer.type === 'boolean') return Boolean(values[0]);
          return values.map(formatValue).join(',');
        },
        {
          type: printer.type === 'date' ? 'string' : printer.type,
          description: printer.description,
          // Priority 1 and up: only with `-o wide`.
          priority: printer.priority,
        },
      ),
    ),
  ];
}

function columnsFor(resource: ResourceType): Column[] {
  return BUILTIN_COLUMNS[typeKey(resource)] ?? printerColumns(resource);
}

function rowObject(
  object: KubeObject,
  includeObject: IncludeObject,
  tableVersion: TableVersion,
) {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: object.metadata,
  };
}

/** Renders objects as a `meta.k8s.io` Table, the shape `kubectl get` prints. */
export function toTable(
  resource: ResourceType,
  objects: readonly KubeObject[],
  options: {
    tableVersion: TableVersion;
    includeObject?: IncludeObject;
    includeColumns?: boolean;
    listMetadata?: Record<string, unknown>;
    now?: Date;
  },
) {
  const now = options.now ?? new Date();
  const columns = columnsFor(resource);
  const includeObject = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.tableVersion}`,
    metadata: options.listMetadata ?? {},
    ...(options.includeColumns !== false && {
      columnDefinitions: columns.map(
        ({ name, type, format, description, priority }) => ({
          name,
          type,
          format: format ?? '',
          description,
          priority,
        }),
      ),
    }),
    rows: objects.map(object => ({
      cells: columns.map(c => c.cell(object, now) ?? null),
      object: rowObject(object, includeObject, options.tableVersion),
    })),
  };
}
