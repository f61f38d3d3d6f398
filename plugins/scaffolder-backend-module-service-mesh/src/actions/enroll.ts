import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ServiceMeshService } from '@mesh-backstage/plugin-service-mesh-node';
import {
  changeOutputFields,
  parseInput,
  revisionField,
  summarize,
  targetFields,
  Z,
  writeOnce,
  MeshTarget,
} from './common';

const inputFields = {
  ...targetFields,
  revision: (z: Z) =>
    revisionField(z)
      .optional()
      .describe(
        'Istio/Sail: the revision or tag to label the namespace with (istio.io/rev). Without it: the default revision. Not used on OSSM 2',
      ),
  controlPlaneNamespace: (z: Z) =>
    revisionField(z)
      .optional()
      .describe('The control plane to join, when the cluster has several'),
  createNamespace: (z: Z) =>
    z
      .boolean()
      .optional()
      .describe(
        'Create the namespace first, for a service that has none yet (needs service-mesh.namespace.create; only a namespace that does not exist is created)',
      ),
};

interface EnrollInput extends MeshTarget {
  revision?: string;
  controlPlaneNamespace?: string;
  createNamespace?: boolean;
}

/**
 * `service-mesh:namespace:enroll`: puts a namespace in the mesh through the
 * service-mesh backend, as the user who runs the template.
 */
export function createEnrollAction(options: {
  serviceMesh: ServiceMeshService;
}) {
  const { serviceMesh } = options;
  return createTemplateAction({
    id: 'service-mesh:namespace:enroll',
    description:
      "Enrolls a namespace in the service mesh (OSSM 2 member roll, or Istio/Sail injection or revision label), creating the namespace first when asked. Runs as the template's user: the service-mesh permissions and audit apply.",
    supportsDryRun: true,
    examples: [
      {
        description:
          'Create the namespace of a new service and enroll it on a revision tag',
        example: `steps:
  - id: enroll
    action: service-mesh:namespace:enroll
    input:
      entityRef: component:default/checkout
      cluster: demo-istio-revisions
      namespace: checkout
      revision: prod-stable
      createNamespace: true`,
      },
    ],
    schema: {
      input: inputFields,
      output: {
        ...changeOutputFields,
        namespaceCreated: z =>
          z.boolean().describe('Whether this step created the namespace'),
      },
    },
    async handler(ctx) {
      const input = parseInput<EnrollInput>(inputFields, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const call = { credentials, signal: ctx.signal };
      const target = `${input.cluster}/${input.namespace}`;

      let namespaceCreated = false;
      if (input.createNamespace) {
        const created = await writeOnce(
          ctx,
          `service-mesh.namespace.provision.${target}`,
          async dryRun =>
            summarize(
              await serviceMesh.provisionNamespace(
                {
                  cluster: input.cluster,
                  namespace: input.namespace,
                  entityRef: input.entityRef,
                  dryRun,
                },
                call,
              ),
            ),
        );
        namespaceCreated = created.applied;
        if (ctx.isDryRun && created.operations.length > 0) {
          // The backend cannot plan the enrolment of a namespace that does
          // not exist yet, so the dry run stops at what it would create.
          ctx.output('applied', false);
          ctx.output('operations', [
            ...created.operations,
            `Enroll ${input.namespace} in the mesh${
              input.revision ? ` on ${input.revision}` : ''
            }`,
          ]);
          ctx.output('namespaceCreated', false);
          return;
        }
      }

      const enrolled = await writeOnce(
        ctx,
        `service-mesh.enroll.${target}.${input.revision ?? 'default'}`,
        async dryRun =>
          summarize(
            await serviceMesh.runAction(
              'enroll',
              input.entityRef,
              {
                cluster: input.cluster,
                namespace: input.namespace,
                revision: input.revision,
                controlPlaneNamespace: input.controlPlaneNamespace,
                dryRun,
              },
              call,
            ),
          ),
      );
      ctx.output('applied', enrolled.applied);
      ctx.output('operations', enrolled.operations);
      ctx.output('namespaceCreated', namespaceCreated);
    },
  });
}
