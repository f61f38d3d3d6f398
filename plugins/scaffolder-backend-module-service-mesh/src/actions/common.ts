import { InputError } from '@backstage/errors';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import {
  isDns1123Label,
  type KubeOperation,
} from '@mesh-backstage/plugin-service-mesh-common';
import { z } from 'zod/v3';

export type Z = typeof z;

/** What an RFC 1123 label is, as Kubernetes wants namespace and revision names. */
const DNS_LABEL_RULE =
  'at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';

/** The input fields every mesh action takes, with `.describe()` for the template editor. */
export const targetFields = {
  entityRef: (zImpl: Z) =>
    zImpl
      .string()
      .regex(/^[a-zA-Z]+:([a-z0-9-_.]+\/)?[a-zA-Z0-9-_.]+$/, {
        message:
          'must be an entity ref such as component:default/checkout (kind:namespace/name)',
      })
      .describe(
        'The catalog entity the namespace belongs to (it may not be registered yet), such as component:default/checkout',
      ),
  cluster: (zImpl: Z) =>
    zImpl
      .string()
      .min(1, { message: 'must name a cluster' })
      .describe('A cluster name from kubernetes.clusterLocatorMethods'),
  namespace: (zImpl: Z) =>
    zImpl
      .string()
      .refine(isDns1123Label, { message: `must be ${DNS_LABEL_RULE}` })
      .describe('The Kubernetes namespace of the service'),
};

/** A revision or tag name: an RFC 1123 label, as `istio.io/rev` values are. */
export const revisionField = (zImpl: Z) =>
  zImpl
    .string()
    .refine(isDns1123Label, { message: `must be ${DNS_LABEL_RULE}` });

/** Where every mesh action acts, as its input gives it. */
export interface MeshTarget {
  entityRef: string;
  cluster: string;
  namespace: string;
}

/** Output fields every mesh action sets. */
export const changeOutputFields = {
  applied: (zImpl: Z) =>
    zImpl
      .boolean()
      .describe(
        'Whether Kubernetes objects were written (false on a dry run or when nothing was left to do)',
      ),
  operations: (zImpl: Z) =>
    zImpl
      .array(zImpl.string())
      .describe('One line per Kubernetes operation, planned or made'),
};

/**
 * Validates the input with the action's own field schemas, so a bad name,
 * host or revision fails with a message that names the field. (The task
 * runner checks the JSON schema too, but its messages only quote patterns.)
 */
export function parseInput<T>(
  fields: Record<string, (zImpl: Z) => z.ZodTypeAny>,
  input: unknown,
): T {
  const schema = z.object(
    Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [name, field(z)]),
    ),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      `Invalid input: ${result.error.issues
        .map(issue => `${issue.path.join('.') || 'input'} ${issue.message}`)
        .join('; ')}`,
    );
  }
  return result.data as T;
}

/** A dry run's or a write's answer, as the actions report it. */
export interface ChangeSummary extends JsonObject {
  applied: boolean;
  operations: string[];
}

export function summarize(answer: {
  applied: boolean;
  change: { operations: KubeOperation[] };
}): ChangeSummary {
  return {
    applied: answer.applied,
    operations: answer.change.operations.map(o => o.summary),
  };
}

/**
 * Runs a write once per task: a retried or recovered task gets the stored
 * answer instead of writing again. A dry run plans only (`dryRun: true`),
 * outside any checkpoint, and logs the planned operations.
 */
export async function writeOnce(
  ctx: ActionContext<any, any>,
  key: string,
  write: (dryRun: boolean) => Promise<ChangeSummary>,
): Promise<ChangeSummary> {
  if (ctx.isDryRun) {
    const planned = await write(true);
    ctx.logger.info(
      `Dry run, nothing written. Planned: ${
        planned.operations.join('; ') || 'nothing (already as asked)'
      }`,
    );
    return planned;
  }
  const done = await ctx.checkpoint({ key, fn: () => write(false) });
  ctx.logger.info(
    done.operations.length
      ? `Done: ${done.operations.join('; ')}`
      : 'Nothing to change: already as asked',
  );
  return done;
}
