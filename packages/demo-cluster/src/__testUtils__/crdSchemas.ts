import fs from 'node:fs';
import path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../apiserver/types';

const repoRoot = path.resolve(__dirname, '../../../..');

/** The real CRDs shipped next to the repository (`<repoRoot>/../shared/crds`). */
export const SHARED_CRDS_DIR = path.resolve(repoRoot, '../shared/crds');

interface CrdDocument {
  kind?: string;
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; shortNames?: string[] };
    versions: Array<{
      name: string;
      served: boolean;
      schema?: { openAPIV3Schema?: unknown };
    }>;
  };
}

function yamlFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/** The real CustomResourceDefinitions, or a clear error saying where to get them. */
export function loadRealCrds(): CrdDocument[] {
  if (!fs.existsSync(SHARED_CRDS_DIR)) {
    throw new Error(
      `The real mesh CRD schemas were not found at ${SHARED_CRDS_DIR}. ` +
        'The demo-cluster tests validate every mesh object against them. ' +
        'Put the shared folder next to the repository root (../shared/crds): ' +
        'maistra-2.5.1/ from maistra/istio-operator manifests-maistra/2.5.1/*.crd.yaml and ' +
        'sail/ from istio-ecosystem/sail-operator chart/crds/*.yaml ' +
        '(the commits are listed in that folder’s README.md).',
    );
  }
  return yamlFilesUnder(SHARED_CRDS_DIR)
    .flatMap(file =>
      parseAllDocuments(fs.readFileSync(file, 'utf8')).map(doc => doc.toJS()),
    )
    .filter(
      (doc): doc is CrdDocument => doc?.kind === 'CustomResourceDefinition',
    );
}

/** OpenAPI v3 (Kubernetes flavour) to plain JSON Schema: drop the `x-kubernetes-*` extensions. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          toJsonSchema(v),
        ]),
      );
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  return out;
}

/**
 * Validates objects against the real schema of their apiVersion and kind.
 * Also checks the CEL rules of IstioRevision that JSON Schema cannot express.
 */
export class RealSchemaValidator {
  readonly #validators = new Map<string, ValidateFunction>();
  readonly crds: CrdDocument[];

  constructor() {
    this.crds = loadRealCrds();
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: false,
    });
    for (const crd of this.crds) {
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema) continue;
        this.#validators.set(
          `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
          ajv.compile(toJsonSchema(schema) as object),
        );
      }
    }
  }

  has(apiVersion: string, kind: string): boolean {
    return this.#validators.has(`${apiVersion}/${kind}`);
  }

  /** Problems found; empty when the object is valid. */
  errors(object: KubeObject): string[] {
    const validate = this.#validators.get(
      `${object.apiVersion}/${object.kind}`,
    );
    if (!validate) {
      return [`no real schema for ${object.apiVersion} ${object.kind}`];
    }
    const problems = validate(object)
      ? []
      : (validate.errors ?? []).map(
          e =>
            `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
        );
    if (object.kind === 'IstioRevision') {
      const spec = object.spec as {
        namespace?: string;
        values?: { revision?: string; global?: { istioNamespace?: string } };
      };
      const name = object.metadata.name;
      const revision = spec.values?.revision ?? '';
      if (name === 'default' ? revision !== '' : revision !== name) {
        problems.push(
          "spec.values.revision must match metadata.name or be empty when the name is 'default'",
        );
      }
      if (spec.values?.global?.istioNamespace !== spec.namespace) {
        problems.push(
          'spec.values.global.istioNamespace must match spec.namespace',
        );
      }
    }
    return problems.map(
      p =>
        `${object.kind} ${object.metadata.namespace ?? ''}/${
          object.metadata.name
        }: ${p}`,
    );
  }
}
