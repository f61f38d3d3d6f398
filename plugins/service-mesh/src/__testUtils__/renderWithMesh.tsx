import type { ReactElement } from 'react';
import type { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import { serviceMeshApiRef, ServiceMeshClient } from '../api';

export const API_BASE = 'http://localhost:7007/api/service-mesh';

export function componentEntity(name: string, owner = 'team-a'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

export interface RecordedAction {
  action: string;
  body: Record<string, unknown>;
}

/**
 * Serves a status and records action requests. `respond` answers each
 * action request; by default the fixture plan with `dryRun` echoed.
 */
export function serveMesh(
  server: SetupServer,
  options: {
    entity: Entity;
    status: EntityMeshStatus | (() => EntityMeshStatus);
    respond?: (
      action: string,
      body: Record<string, unknown>,
    ) => { status?: number; json: JsonBodyType };
  },
) {
  const { entity } = options;
  const entityPath = `${API_BASE}/entities/${entity.kind}/${entity.metadata.namespace}/${entity.metadata.name}`;
  const actions: RecordedAction[] = [];
  let statusRequests = 0;
  server.use(
    http.get(`${entityPath}/status`, () => {
      statusRequests++;
      const status =
        typeof options.status === 'function'
          ? options.status()
          : options.status;
      return HttpResponse.json(status);
    }),
    http.post(`${entityPath}/actions/:action`, async ({ request, params }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const action = String(params.action);
      actions.push({ action, body });
      const answer: { status?: number; json: JsonBodyType } = options.respond?.(
        action,
        body,
      ) ?? {
        json: {
          dryRun: Boolean(body.dryRun),
          applied: !body.dryRun,
          change: { operations: [] },
        },
      };
      return HttpResponse.json(answer.json, { status: answer.status ?? 200 });
    }),
  );
  return {
    actions,
    statusRequests: () => statusRequests,
  };
}

type PermissionOptions = NonNullable<Parameters<typeof mockApis.permission>[0]>;
// AuthorizeResult's values, without depending on the permission-common package.
type Decision = Extract<PermissionOptions['authorize'], string>;
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

/** A permission policy: which permission names the user holds. */
export function allowOnly(
  allowed: (name: string) => boolean,
): PermissionOptions {
  return {
    authorize: request => (allowed(request.permission.name) ? ALLOW : DENY),
  };
}

export const allowAll = allowOnly(() => true);
/** The user may read the status but change nothing. */
export const readOnly = allowOnly(name => name === 'service-mesh.status.read');

export async function renderWithMesh(
  element: ReactElement,
  options: {
    entity: Entity;
    permission?: PermissionOptions;
    /** Signals the test sends (renderPlatform's TestSignals); none by default. */
    signals?: SignalApi;
  },
) {
  const client = new ServiceMeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [serviceMeshApiRef, client],
        mockApis.permission(options.permission ?? allowAll),
        ...(options.signals ? [[signalApiRef, options.signals] as const] : []),
      ]}
    >
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
