import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ServiceMeshService } from '@mesh-backstage/plugin-service-mesh-node';
import type { NamespaceProvisionRequest } from '@mesh-backstage/plugin-service-mesh-common';
import { parseAllDocuments } from 'yaml';
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
  files: (z: Z) =>
    z
      .array(z.string().min(1))
      .min(1, { message: 'must list at least one manifest file' })
      .describe(
        'YAML files in the workspace with the Deployments and Services to create, such as kubernetes/deployment.yaml',
      ),
};

interface ApplyInput extends MeshTarget {
  files: string[];
}

/**
 * `service-mesh:manifests:apply`: creates the service's Deployments and
 * Services in its namespace through the service-mesh backend (the same
 * writer and checks as every mesh action), as the template's user. Only
 * what does not exist yet is created.
 */
export function createApplyManifestsAction(options: {
  serviceMesh: ServiceMeshService;
}) {
  const { serviceMesh } = options;
  return createTemplateAction({
    id: 'service-mesh:manifests:apply',
    description:
      "Creates the Deployments and Services of a new service in its namespace (created first when it does not exist), through the service-mesh backend as the template's user. Existing objects are left as they are.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Create the skeleton workload',
        example: `steps:
  - id: apply
    action: service-mesh:manifests:apply
    input:
      entityRef: component:default/checkout
      cluster: demo-istio-revisions
      namespace: checkout
      files: [kubernetes/deployment.yaml, kubernetes/service.yaml]`,
      },
    ],
    schema: { input: inputFields, output: changeOutputFields },
    async handler(ctx) {
      const input = parseInput<ApplyInput>(inputFields, ctx.input);
      const manifests: NamespaceProvisionRequest['manifests'] & object = [];
      for (const file of input.files) {
        const text = await fs.readFile(
          resolveSafeChildPath(ctx.workspacePath, file),
          'utf8',
        );
        for (const document of parseAllDocuments(text)) {
          if (document.errors.length > 0) {
            throw new InputError(
              `${file} is not valid YAML: ${document.errors[0].message}`,
            );
          }
          const object = document.toJS();
          if (object) manifests.push(object);
        }
      }
      const credentials = await ctx.getInitiatorCredentials();
      const done = await writeOnce(
        ctx,
        `service-mesh.manifests.${input.cluster}/${input.namespace}`,
        async dryRun =>
          summarize(
            await serviceMesh.provisionNamespace(
              {
                cluster: input.cluster,
                namespace: input.namespace,
                entityRef: input.entityRef,
                manifests,
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
