import path from 'path';
import type { IstioSidecar } from './kube';

/** Schema problems of a Sidecar object, empty when it is valid. */
export type SidecarValidator = (sidecar: IstioSidecar) => string[];

interface ValidationError {
  instancePath?: string;
  message?: string;
}

type SidecarModelClass = new (data: unknown) => { validate(): void };

let sidecarModel: SidecarModelClass | undefined;

/**
 * Loads `@kubernetes-models/istio`'s Sidecar model, which validates against
 * the schema generated from Istio's CRD. The package is ESM-only and
 * exports only an `import` condition, while Backstage backends and their
 * Jest run as CommonJS. Node's own `require` (not Jest's) can load ESM
 * since Node 22.12, so we take it from the built-in module and point it at
 * the file itself, past the exports map.
 */
function loadSidecarModel(): SidecarModelClass {
  if (!sidecarModel) {
    const nodeModule = process.getBuiltinModule('node:module');
    const nodeRequire = nodeModule.createRequire(__filename);
    const packageDir = path.dirname(
      nodeRequire.resolve('@kubernetes-models/istio/package.json'),
    );
    sidecarModel = nodeRequire(
      path.join(packageDir, 'networking.istio.io', 'v1', 'Sidecar.js'),
    ).Sidecar as SidecarModelClass;
  }
  return sidecarModel;
}

/** Validates a Sidecar against the Istio `networking.istio.io/v1` schema. */
export const validateSidecarSchema: SidecarValidator = sidecar => {
  const Model = loadSidecarModel();
  try {
    new Model(sidecar).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: ValidationError[] }).errors;
    if (Array.isArray(details) && details.length > 0) {
      return details.map(
        d => `${d.instancePath || '/'} ${d.message ?? 'is invalid'}`,
      );
    }
    return [String((error as Error)?.message ?? error)];
  }
};
