import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  egressHostProblem,
  isDns1123Label,
} from '@mesh-backstage/plugin-service-mesh-common';
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
  hosts: (z: Z) =>
    z
      .array(
        // The egress-host rule the backend and the Sidecar editor apply.
        z.string().refine(host => egressHostProblem(host) === undefined, {
          message:
            'must be namespace/dnsName, such as ./* (own namespace), istio-system/* or */api.example.com',
        }),
      )
      .min(1, { message: 'must list at least one host' })
      .max(200)
      .optional()
      .describe(
        'Egress hosts in namespace/dnsName form. Default: own namespace (./*) plus the control plane namespace',
      ),
  name: (z: Z) =>
    z
      .string()
      .refine(isDns1123Label, {
        message: 'must be a Kubernetes name (lowercase letters, digits and -)',
      })
      .optional()
      .describe('Name of the Sidecar resource; default: default'),
};

interface EgressInput extends MeshTarget {
  hosts?: string[];
  name?: string;
}

/** `service-mesh:sidecar:egress`: a namespace-wide Sidecar that limits egress, as the template's user. */
export function createSidecarEgressAction(options: {
  serviceMesh: ServiceMeshService;
}) {
  const { serviceMesh } = options;
  return createTemplateAction({
    id: 'service-mesh:sidecar:egress',
    description:
      "Creates or updates the namespace's Sidecar resource that limits which hosts its sidecars reach, through the service-mesh backend as the template's user.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Own namespace and the control plane only',
        example: `steps:
  - id: egress
    action: service-mesh:sidecar:egress
    input:
      entityRef: component:default/checkout
      cluster: demo-istio-revisions
      namespace: checkout
      hosts: ['./*', 'istio-system/*']`,
      },
    ],
    schema: {
      input: inputFields,
      output: {
        ...changeOutputFields,
        visibleServices: z =>
          z
            .number()
            .describe("Services the namespace's sidecars can see afterwards"),
      },
    },
    async handler(ctx) {
      const input = parseInput<EgressInput>(inputFields, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const done = await writeOnce(
        ctx,
        `service-mesh.egress.${input.cluster}/${input.namespace}.${(
          input.hosts ?? ['default']
        ).join(',')}`,
        async dryRun => {
          const answer = await serviceMesh.runAction(
            'sidecarEgress',
            input.entityRef,
            {
              cluster: input.cluster,
              namespace: input.namespace,
              hosts: input.hosts,
              name: input.name,
              dryRun,
            },
            { credentials, signal: ctx.signal },
          );
          return {
            ...summarize(answer),
            visibleServices: answer.visibleServices.after,
          };
        },
      );
      ctx.output('applied', done.applied);
      ctx.output('operations', done.operations);
      ctx.output('visibleServices', done.visibleServices as number);
    },
  });
}
