import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Schema } from './builtinSchemas';

/*
 * The upstream schemas of the mesh CRDs, from the `shared/crds` folder beside
 * the repository (or DEMO_CLUSTER_CRDS_DIR). The demo cluster installs its
 * mesh CRDs with open schemas, as it validates no mesh object itself;
 * `kubectl explain` shows the real ones from here instead.
 */

/**
 * `shared/crds` in the nearest ancestor of the working directory that has
 * one (the repository root and this package both sit under it), else undefined.
 */
function crdsDir(): string | undefined {
  const configured = process.env.DEMO_CLUSTER_CRDS_DIR;
  if (configured) return existsSync(configured) ? configured : undefined;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'crds');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

interface CrdDocument {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{
      name: string;
      schema?: { openAPIV3Schema?: Schema };
    }>;
  };
}

let loaded: Map<string, Schema> | undefined;

/** Schemas by `group/version/kind`, read once. */
function schemas(): Map<string, Schema> {
  if (loaded) return loaded;
  loaded = new Map();
  const dir = crdsDir();
  for (const file of dir ? yamlFilesUnder(dir) : []) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as CrdDocument | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      for (const version of crd.spec.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema) {
          loaded.set(
            `${crd.spec.group}/${version.name}/${crd.spec.names?.kind}`,
            schema,
          );
        }
      }
    }
  }
  return loaded;
}

/** The upstream schema of a CRD kind's version, if the folder has it. */
export function realCrdSchema(
  group: string,
  version: string,
  kind: string,
): Schema | undefined {
  return schemas().get(`${group}/${version}/${kind}`);
}
