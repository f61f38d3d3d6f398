import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  NamespaceMeshStatus,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ServiceMeshService } from '@mesh-backstage/plugin-service-mesh-node';
import {
  MeshTarget,
  parseInput,
  revisionField,
  targetFields,
  Z,
} from './common';

const inputFields = {
  ...targetFields,
  revision: (z: Z) =>
    revisionField(z)
      .optional()
      .describe(
        'The revision or tag the sidecars must come from; default: whichever serves the namespace',
      ),
  timeoutSeconds: (z: Z) =>
    z
      .number()
      .int()
      .min(1)
      .max(1800)
      .optional()
      .describe('How long to wait; default 300'),
  intervalSeconds: (z: Z) =>
    z
      .number()
      .min(0.1)
      .max(60)
      .optional()
      .describe('How often to read the status; default 2'),
};

interface WaitInput extends MeshTarget {
  revision?: string;
  timeoutSeconds?: number;
  intervalSeconds?: number;
}

/** Why a namespace is not ready yet, or undefined when it is. */
export function notReadyReason(
  namespace: NamespaceMeshStatus | undefined,
  revision?: string,
): string | undefined {
  if (!namespace) return 'the namespace is not in the status yet';
  if (namespace.workloads.length === 0) return 'no workloads yet';
  const wanted = resolveRevision(namespace, revision);
  const reasons = namespace.workloads.flatMap(w => workloadReasons(w, wanted));
  if (reasons.length === 0) return undefined;
  const warnings = namespace.warnings.map(w => `${w.code}: ${w.message}`);
  return [...reasons, ...warnings].join('; ');
}

function workloadReasons(w: WorkloadMeshStatus, revision?: string): string[] {
  const name = `${w.kind} ${w.name}`;
  if (w.pods === 0) return [`${name} has no running pods`];
  if (w.podsWithoutSidecar > 0 || w.podsWithSidecar < w.pods) {
    return [`${name}: ${w.podsWithSidecar} of ${w.pods} pods with sidecar`];
  }
  const expected = w.expectedRevision;
  const wrong = w.proxies.filter(p => expected && p.revision !== expected);
  if (wrong.length > 0 || w.restartNeeded) {
    return [
      `${name}: sidecars on ${w.proxies
        .map(p => p.revision)
        .join(', ')}, new pods would get ${expected ?? 'none'}`,
    ];
  }
  if (revision && expected && revision !== expected) {
    return [`${name}: sidecars on ${expected}, not ${revision}`];
  }
  return [];
}

/**
 * Answers worth reading again: 429 and 5xx (ResponseError's statusCode) and
 * network failures (fetch's TypeError). Refusals and bad requests are not.
 */
export function isTransient(error: unknown): boolean {
  const status = (error as { statusCode?: number })?.statusCode;
  if (typeof status === 'number') return status === 429 || status >= 500;
  return error instanceof TypeError;
}

/** The revision a tag (such as prod-stable) points at; a revision names itself. */
function resolveRevision(
  namespace: NamespaceMeshStatus | undefined,
  revisionOrTag: string | undefined,
): string | undefined {
  if (!revisionOrTag) return undefined;
  const tag = namespace?.controlPlane?.tags.find(t => t.name === revisionOrTag);
  return tag?.revision ?? revisionOrTag;
}

/**
 * `service-mesh:wait`: waits until every workload of the namespace runs with
 * sidecars from the revision that serves it, or fails with the reason.
 */
export function createWaitAction(options: { serviceMesh: ServiceMeshService }) {
  const { serviceMesh } = options;
  return createTemplateAction({
    id: 'service-mesh:wait',
    description:
      "Waits until the namespace's workloads run with sidecars on the expected revision, or times out with the reason from the mesh status. Reads only.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Wait up to two minutes',
        example: `steps:
  - id: wait
    action: service-mesh:wait
    input:
      entityRef: component:default/checkout
      cluster: demo-istio-revisions
      namespace: checkout
      timeoutSeconds: 120`,
      },
    ],
    schema: {
      input: inputFields,
      output: {
        revision: z =>
          z.string().describe('The revision the sidecars come from'),
        workloads: z => z.number().describe('Workloads running with sidecars'),
      },
    },
    async handler(ctx) {
      const input = parseInput<WaitInput>(inputFields, ctx.input);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait for the sidecars of ${input.cluster}/${input.namespace}`,
        );
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      const deadline = Date.now() + (input.timeoutSeconds ?? 300) * 1000;
      const intervalMs = (input.intervalSeconds ?? 2) * 1000;
      let reason = 'no status read';
      for (;;) {
        ctx.signal?.throwIfAborted();
        let notReady: string | undefined;
        let namespace: NamespaceMeshStatus | undefined;
        try {
          const status = await serviceMesh.getEntityStatus(input.entityRef, {
            credentials,
            signal: ctx.signal,
          });
          namespace = status.clusters
            .find(c => c.name === input.cluster)
            ?.namespaces.find(n => n.name === input.namespace);
          notReady = notReadyReason(namespace, input.revision);
        } catch (error) {
          // A refusal or bad request stays so; an unavailable or busy
          // backend is read again until the deadline.
          if (!isTransient(error)) throw error;
          notReady = `the status could not be read (${
            (error as Error).message
          })`;
        }
        if (!notReady && namespace) {
          const revision = namespace.workloads[0].expectedRevision ?? '';
          ctx.logger.info(
            `${namespace.workloads.length} workloads run with sidecars on ${revision}`,
          );
          ctx.output('revision', revision);
          ctx.output('workloads', namespace.workloads.length);
          return;
        }
        if (notReady !== reason) ctx.logger.info(`Waiting: ${notReady}`);
        reason = notReady ?? reason;
        if (Date.now() + intervalMs > deadline) {
          throw new Error(
            `Timed out after ${
              input.timeoutSeconds ?? 300
            } s waiting for the sidecars of ${input.cluster}/${
              input.namespace
            }: ${reason}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, intervalMs));
      }
    },
  });
}
