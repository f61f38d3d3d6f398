import type { SetupServer } from 'msw/node';
import { searchWithWarnings } from '../__fixtures__/meshStatus';
import { ActionDialog } from '../components/ActionDialog/ActionDialog';
import type { MeshActionIntent } from '../components/ActionDialog/meshActionIntent';
import { componentEntity, renderWithMesh, serveMesh } from './renderWithMesh';

/** The entity every ActionDialog test acts for. */
export const dialogEntity = componentEntity('search-service');

export const switchSearchIntent: MeshActionIntent = {
  action: 'switchRevision',
  title: 'Switch search to 1-24-3',
  request: {
    cluster: 'demo-istio-revisions',
    namespace: 'search',
    revision: '1-24-3',
  },
};

/** A plan as the backend answers it: a dry run, or applied. */
export function answered<T extends { dryRun: boolean }>(
  plan: T,
  dryRun: unknown,
) {
  return { json: { ...plan, dryRun: Boolean(dryRun), applied: !dryRun } };
}

/** Opens the dialog on `intent`, with the backend answering by `respond`. */
export function renderActionDialog(
  server: SetupServer,
  intent: MeshActionIntent,
  respond: Parameters<typeof serveMesh>[1]['respond'],
  options: { canForce?: boolean } = {},
) {
  const entity = dialogEntity;
  const mesh = serveMesh(server, {
    entity,
    status: searchWithWarnings(),
    respond,
  });
  const onApplied = jest.fn();
  const onClose = jest.fn();
  const rendered = renderWithMesh(
    <ActionDialog
      entity={entity}
      intent={intent}
      canForce={options.canForce ?? false}
      onApplied={onApplied}
      onClose={onClose}
    />,
    { entity },
  );
  return { mesh, onApplied, onClose, rendered };
}
