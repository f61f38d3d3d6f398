import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ServiceMeshService } from '@mesh-backstage/plugin-service-mesh-node';
import {
  changeOutputFields,
  parseInput,
  summarize,
  targetFields,
  writeOnce,
  Z,
  MeshTarget,
} from './common';

const inputFields = {
  ...targetFields,
  injection: (z: Z) =>
    z
      .enum(['enabled', 'disabled', 'removed'])
      .describe(
        "Sidecar injection of the namespace: enabled or disabled (the istio-injection label; on OSSM 2 each workload's sidecar.istio.io/inject), or removed",
      ),
};

interface InjectionInput extends MeshTarget {
  injection: 'enabled' | 'disabled' | 'removed';
}

/** `service-mesh:injection:set`: sets sidecar injection of a namespace, as the template's user. */
export function createInjectionAction(options: {
  serviceMesh: ServiceMeshService;
}) {
  const { serviceMesh } = options;
  return createTemplateAction({
    id: 'service-mesh:injection:set',
    description:
      "Turns sidecar injection of a namespace on or off through the service-mesh backend, as the template's user.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Turn injection on',
        example: `steps:
  - id: injection
    action: service-mesh:injection:set
    input:
      entityRef: component:default/checkout
      cluster: demo-istio-revisions
      namespace: checkout
      injection: enabled`,
      },
    ],
    schema: { input: inputFields, output: changeOutputFields },
    async handler(ctx) {
      const input = parseInput<InjectionInput>(inputFields, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const done = await writeOnce(
        ctx,
        `service-mesh.injection.${input.cluster}/${input.namespace}.${input.injection}`,
        async dryRun =>
          summarize(
            await serviceMesh.runAction(
              'setInjection',
              input.entityRef,
              {
                cluster: input.cluster,
                namespace: input.namespace,
                injection: input.injection,
                dryRun,
              },
              { credentials, signal: ctx.signal },
            ),
          ),
      );
      ctx.output('applied', done.applied);
      ctx.output('operations', done.operations);
    },
  });
}
