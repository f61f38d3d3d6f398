/*
 * DEMO ONLY. The demo has no git host, so the "Meshed service" template
 * publishes into demo-generated/<name>/, which the demo catalog reads as a
 * file location (app-config.yaml), and "registers" by refreshing that
 * location. Real installations use publish:github / publish:gitlab and
 * catalog:register instead (see the service-mesh scaffolder module README).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogServiceRef,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import type { Config } from '@backstage/config';
import { parse } from 'yaml';

/** Relative to the backend process, as the catalog's file locations are. */
const GENERATED_DIR = path.resolve('../../demo-generated');

/**
 * The Location entity the catalog makes of the demo-generated glob in
 * catalog.locations. It is looked up by name, not listed: while the glob
 * matches no file (the first run on a fresh clone) its processing fails, so
 * it is in the catalog's refresh state but not among its entities.
 */
export function generatedLocationRef(config: Config): string {
  const target = config
    .getOptionalConfigArray('catalog.locations')
    ?.filter(l => l.getString('type') === 'file')
    .map(l => path.resolve(l.getString('target')))
    .find(t => t.startsWith(`${GENERATED_DIR}${path.sep}`));
  if (!target) {
    throw new Error(
      'The demo catalog has no demo-generated file location (app-config.yaml catalog.locations)',
    );
  }
  return stringifyEntityRef({
    kind: 'Location',
    namespace: 'default',
    name: locationSpecToMetadataName({ type: 'file', target }),
  });
}

export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'demo-publishing',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, catalog, config }) {
        scaffolderActions.addActions(
          createTemplateAction({
            id: 'demo:publish:local',
            description:
              'DEMO ONLY: copies the workspace to demo-generated/<name>/, a directory the demo catalog reads',
            supportsDryRun: true,
            schema: {
              input: {
                name: z =>
                  z
                    .string()
                    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
                    .describe('Directory name under demo-generated/'),
              },
              output: {
                catalogInfoPath: z =>
                  z.string().describe('The published catalog-info.yaml'),
              },
            },
            async handler(ctx) {
              const target = path.join(GENERATED_DIR, ctx.input.name);
              if (!ctx.isDryRun) {
                await fs.mkdir(GENERATED_DIR, { recursive: true });
                await fs.cp(ctx.workspacePath, target, { recursive: true });
              }
              ctx.output(
                'catalogInfoPath',
                path.join(target, 'catalog-info.yaml'),
              );
            },
          }),
          createTemplateAction({
            id: 'demo:catalog:register-file',
            description:
              'DEMO ONLY: refreshes the demo-generated file location and waits until the published entity is in the catalog',
            supportsDryRun: true,
            schema: {
              input: {
                path: z =>
                  z
                    .string()
                    .describe('catalog-info.yaml under demo-generated/'),
              },
              output: {
                entityRef: z => z.string().describe('The registered entity'),
              },
            },
            async handler(ctx) {
              const file = path.resolve(ctx.input.path);
              if (!file.startsWith(`${GENERATED_DIR}${path.sep}`)) {
                throw new Error(`${file} is not under ${GENERATED_DIR}`);
              }
              if (ctx.isDryRun) return;
              const entity = parse(await fs.readFile(file, 'utf8'));
              const entityRef = stringifyEntityRef(entity);
              const locationRef = generatedLocationRef(config);
              const credentials = await ctx.getInitiatorCredentials();
              const deadline = Date.now() + 120_000;
              while (
                !(await catalog.getEntityByRef(entityRef, { credentials }))
              ) {
                if (Date.now() > deadline) {
                  throw new Error(`${entityRef} did not appear in the catalog`);
                }
                await catalog.refreshEntity(locationRef, { credentials });
                await new Promise(resolve => setTimeout(resolve, 2000));
              }
              ctx.logger.info(`${entityRef} is in the catalog`);
              ctx.output('entityRef', entityRef);
            },
          }),
        );
      },
    });
  },
});
