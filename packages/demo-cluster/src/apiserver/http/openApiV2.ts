import { IncomingHttpHeaders } from 'node:http';
import { SERVER_VERSION } from '../discovery';
import { servedVersions } from '../objects';
import { ResourceType } from '../types';
import { Answer, jsonAnswer } from './transport';
import { Schema } from '../openapi/schemaDsl';
import {
  encodeDefinitions,
  field,
  message,
  vendorExtension,
} from '../openapi/v2Protobuf';

/*
 * The OpenAPI v2 document. Its definitions are those of custom resource kinds
 * only (openapi/openApiV2Definitions.ts says why): with no schema for a
 * built-in kind kubectl skips client-side validation and builds patches from
 * its built-in types. It holds one PATCH operation per served kind, tagged
 * with its group/version/kind and taking `dryRun`, because kubectl 1.20's dry-run
 * verifier (apply --dry-run=server, diff) looks for exactly that. kubectl
 * asks for protobuf, gnostic's openapi_v2.Document (field numbers from
 * OpenAPIv2.proto); other clients get the same as JSON.
 */

interface PatchPath {
  path: string;
  gvk: { group: string; version: string; kind: string };
}

function patchPaths(resources: ResourceType[]): PatchPath[] {
  return resources.flatMap(resource =>
    servedVersions(resource).map(version => {
      const base = resource.group
        ? `/apis/${resource.group}/${version}`
        : `/api/${version}`;
      const namespace = resource.namespaced ? '/namespaces/{namespace}' : '';
      return {
        path: `${base}${namespace}/${resource.plural}/{name}`,
        gvk: { group: resource.group, version, kind: resource.kind },
      };
    }),
  );
}

function gvkYaml({ group, version, kind }: PatchPath['gvk']): string {
  return `group: ${JSON.stringify(
    group,
  )}\nkind: ${kind}\nversion: ${version}\n`;
}

function protobufDocument(
  paths: PatchPath[],
  definitions: Record<string, Schema>,
): Buffer {
  // ParametersItem.parameter.non_body_parameter.query_parameter_sub_schema
  const dryRun = field(
    8,
    field(
      1,
      field(
        2,
        field(
          3,
          message(field(2, 'query'), field(4, 'dryRun'), field(6, 'string')),
        ),
      ),
    ),
  );
  const pathItems = paths.map(({ path, gvk }) =>
    field(
      2,
      message(
        field(1, path),
        field(
          2,
          field(
            8,
            message(
              dryRun,
              vendorExtension(13, 'x-kubernetes-action', 'patch\n'),
              vendorExtension(
                13,
                'x-kubernetes-group-version-kind',
                gvkYaml(gvk),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return message(
    field(1, '2.0'),
    field(
      2,
      message(field(1, 'Kubernetes'), field(2, SERVER_VERSION.gitVersion)),
    ),
    field(8, message(...pathItems)),
    field(9, encodeDefinitions(definitions)),
  );
}

function jsonDocument(paths: PatchPath[], definitions: Record<string, Schema>) {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: Object.fromEntries(
      paths.map(({ path, gvk }) => [
        path,
        {
          patch: {
            parameters: [{ name: 'dryRun', in: 'query', type: 'string' }],
            'x-kubernetes-action': 'patch',
            'x-kubernetes-group-version-kind': gvk,
          },
        },
      ]),
    ),
    definitions,
  };
}

export function openApiV2(
  headers: IncomingHttpHeaders,
  resources: ResourceType[],
  definitions: Record<string, Schema>,
): Answer {
  const paths = patchPaths(resources);
  if ((headers.accept ?? '').includes('protobuf')) {
    return {
      code: 200,
      bytes: protobufDocument(paths, definitions),
      contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    };
  }
  return jsonAnswer(jsonDocument(paths, definitions));
}
