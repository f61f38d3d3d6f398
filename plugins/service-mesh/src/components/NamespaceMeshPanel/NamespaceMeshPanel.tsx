import { useState } from 'react';
import type { Entity } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  DEFAULT_SERVICE_ENTRY_NAME,
  MESH_ACTION_LABELS,
  type ClusterMeshStatus,
  type NamespaceMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { MeshPermissions } from '../../hooks/useMeshPermissions';
import {
  controlPlaneName,
  injectionText,
  membershipText,
  revisionWithRole,
  servingRevision,
} from '../../lib/meshSummary';
import {
  offeredNamespaceActions,
  revisionSwitchChoices,
  withRestartOffer,
} from '../../lib/meshActions';
import { ActionButton } from '../ActionButton';
import type { MeshActionIntent } from '../ActionDialog';
import { SidecarEgressEditor, namespaceSidecar } from '../SidecarEgressEditor';
import { WarningsList } from '../WarningsList';
import { WorkloadsTable } from '../WorkloadsTable';

export interface NamespaceMeshPanelProps {
  entity: Entity;
  cluster: ClusterMeshStatus;
  namespace: NamespaceMeshStatus;
  permissions: MeshPermissions;
  onAction: (intent: MeshActionIntent) => void;
}

function visibleServicesText(namespace: NamespaceMeshStatus): string {
  const { all, withSidecarEgress } = namespace.visibleServices;
  const total = `${all.toLocaleString('en-US')} in the mesh`;
  return withSidecarEgress === undefined
    ? `${total}, no Sidecar egress limit`
    : `${withSidecarEgress.toLocaleString(
        'en-US',
      )} with the Sidecar egress (${total})`;
}

function Fact({ label, children }: { label: string; children: string }) {
  return (
    <TableRow>
      <TableCell
        component="th"
        scope="row"
        // MUI gives custom cell components role="cell"; keep the row header.
        role="rowheader"
        style={{ width: '30%' }}
      >
        {label}
      </TableCell>
      <TableCell>{children}</TableCell>
    </TableRow>
  );
}

/** One namespace of the entity: its mesh facts, actions, warnings and workloads. */
export function NamespaceMeshPanel(props: NamespaceMeshPanelProps) {
  const { entity, cluster, namespace, permissions, onAction } = props;
  const [editingEgress, setEditingEgress] = useState(false);
  const [revision, setRevision] = useState('');
  const ns = namespace.name;
  const base = { cluster: cluster.name, namespace: ns };
  const reasonId = `service-mesh-reason-${cluster.name}-${ns}`;
  const { controlPlane } = namespace;
  const serving = servingRevision(namespace);
  // The ServiceEntry's button gives its own reason, in the egress editor.
  const { serviceEntry: _inEditor, ...panelActions } = permissions.actions;
  const anyDenied = Object.values(panelActions).some(
    p => !p.loading && !p.allowed,
  );
  const sidecar = namespaceSidecar(namespace);
  // Only the actions that would change something (lib/meshActions).
  const offered = offeredNamespaceActions(
    cluster.name,
    namespace,
    permissions.actions.restart,
  );
  const revisionChoices = revisionSwitchChoices(namespace);

  return (
    <InfoCard title={`Namespace ${ns}`} subheader={`Cluster ${cluster.name}`}>
      <Table size="small" aria-label={`Mesh settings of ${ns}`}>
        <TableBody>
          <Fact label="Control plane">
            {controlPlane
              ? controlPlaneName(controlPlane)
              : 'None on this cluster'}
          </Fact>
          <Fact label="Membership">{membershipText(namespace)}</Fact>
          <Fact label="Injection">{injectionText(namespace)}</Fact>
          <Fact label="Effective revision">
            {serving
              ? revisionWithRole(serving)
              : 'None: new pods get no sidecar'}
          </Fact>
          <Fact label="Visible services">{visibleServicesText(namespace)}</Fact>
          <Fact label="Sidecar resources">
            {namespace.sidecars.length
              ? namespace.sidecars
                  .map(s => `${s.name}: ${s.egressHosts.join(', ')}`)
                  .join('; ')
              : 'None'}
          </Fact>
        </TableBody>
      </Table>

      {controlPlane && (
        <Box mt={2}>
          <Typography variant="h6" component="h3">
            Actions
          </Typography>
          {anyDenied && (
            <Typography variant="body2" color="textSecondary" id={reasonId}>
              {Object.values(panelActions).find(p => p.reason)?.reason}
            </Typography>
          )}
          <Box display="flex" flexWrap="wrap" mt={1} style={{ gap: 8 }}>
            {offered.map(({ label, intent }) => (
              <ActionButton
                key={label}
                permission={permissions.actions[intent.action]}
                reasonId={reasonId}
                onClick={() => onAction(intent)}
              >
                {label}
              </ActionButton>
            ))}
            <ActionButton
              permission={permissions.actions.sidecarEgress}
              reasonId={reasonId}
              disabled={editingEgress}
              onClick={() => setEditingEgress(true)}
            >
              {sidecar ? 'Edit Sidecar egress' : 'Create Sidecar egress'}
            </ActionButton>
          </Box>
          {controlPlane.flavour !== 'ossm2' && revisionChoices.length > 0 && (
            <Box display="flex" alignItems="center" mt={2} style={{ gap: 8 }}>
              <TextField
                select
                id={`service-mesh-revision-${cluster.name}-${ns}`}
                label="Revision or tag"
                value={revision}
                onChange={e => setRevision(e.target.value)}
                SelectProps={{ native: true }}
                InputLabelProps={{ shrink: true }}
                variant="outlined"
                size="small"
                disabled={!permissions.actions.switchRevision.allowed}
              >
                <option value="">Choose…</option>
                {revisionChoices.map(choice => (
                  <option key={choice.label} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </TextField>
              <ActionButton
                permission={permissions.actions.switchRevision}
                reasonId={reasonId}
                disabled={revision === ''}
                onClick={() =>
                  onAction(
                    withRestartOffer(
                      {
                        action: 'switchRevision',
                        title: `Switch ${ns} to ${revision}`,
                        request: { ...base, revision },
                      },
                      namespace,
                      permissions.actions.restart,
                    ),
                  )
                }
              >
                {MESH_ACTION_LABELS.switchRevision}
              </ActionButton>
            </Box>
          )}
          {editingEgress && (
            <SidecarEgressEditor
              entity={entity}
              cluster={cluster.name}
              namespace={namespace}
              onCancel={() => setEditingEgress(false)}
              serviceEntryPermission={permissions.actions.serviceEntry}
              onCreateServiceEntry={request =>
                onAction({
                  action: 'serviceEntry',
                  title: `Create ServiceEntry ${
                    request.name ?? DEFAULT_SERVICE_ENTRY_NAME
                  } in ${ns}`,
                  request,
                })
              }
              onSubmit={request => {
                setEditingEgress(false);
                onAction({
                  action: 'sidecarEgress',
                  title: `Apply Sidecar egress in ${ns}`,
                  request,
                });
              }}
            />
          )}
        </Box>
      )}

      <Box mt={3}>
        <Typography variant="h6" component="h3">
          Warnings
        </Typography>
        <WarningsList
          warnings={namespace.warnings}
          permissions={permissions}
          reasonId={reasonId}
          onFix={fix =>
            onAction(
              withRestartOffer(fix, namespace, permissions.actions.restart),
            )
          }
        />
      </Box>

      <Box mt={3}>
        <WorkloadsTable
          namespace={ns}
          workloads={namespace.workloads}
          restartPermission={permissions.actions.restart}
          reasonId={reasonId}
          onRestart={workloads =>
            onAction({
              action: 'restart',
              title:
                workloads.length === 1
                  ? `Restart ${workloads[0].name}`
                  : `Restart workloads in ${ns}`,
              request: { ...base, workloads },
            })
          }
        />
      </Box>
    </InfoCard>
  );
}
