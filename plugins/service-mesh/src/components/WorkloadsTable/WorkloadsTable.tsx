import { StatusText } from '../StatusText';
import { Link, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import type {
  RestartRequest,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import { isRestartableKind } from '@mesh-backstage/plugin-service-mesh-common';
import type { ActionPermission } from '../../hooks/useMeshPermissions';
import { ActionButton } from '../ActionButton';

export interface WorkloadsTableProps {
  namespace: string;
  workloads: WorkloadMeshStatus[];
  restartPermission: ActionPermission;
  reasonId?: string;
  onRestart: (workloads: NonNullable<RestartRequest['workloads']>) => void;
}

function proxiesText(workload: WorkloadMeshStatus): string {
  if (workload.proxies.length === 0) {
    return 'none';
  }
  return workload.proxies
    .map(
      p =>
        `${p.revision}${p.version ? ` (${p.version})` : ''} on ${p.pods} ${
          p.pods === 1 ? 'pod' : 'pods'
        }`,
    )
    .join(', ');
}

function WorkloadState({ workload }: { workload: WorkloadMeshStatus }) {
  if (workload.optedOut) {
    return <StatusText status="pending">Opted out</StatusText>;
  }
  if (workload.restartNeeded) {
    return <StatusText status="warning">Restart needed</StatusText>;
  }
  if (workload.podsWithSidecar > 0) {
    return <StatusText status="ok">Up to date</StatusText>;
  }
  return <StatusText status="pending">No sidecar</StatusText>;
}

type WorkloadRow = WorkloadMeshStatus & { id: string };

/** The namespace's workloads and the state of their sidecars. */
export function WorkloadsTable(props: WorkloadsTableProps) {
  const { namespace, workloads, restartPermission, reasonId, onRestart } =
    props;
  const columns: TableColumn<WorkloadRow>[] = [
    {
      title: 'Workload',
      field: 'name',
      highlight: true,
      render: w => `${w.kind} ${w.name}`,
    },
    {
      title: 'Pods with sidecar',
      render: w => `${w.podsWithSidecar} of ${w.pods}`,
    },
    {
      title: 'Pods without sidecar',
      render: w => String(w.podsWithoutSidecar),
    },
    { title: 'Proxy revision (version)', render: proxiesText },
    {
      title: 'New pods get',
      render: w => w.expectedRevision ?? 'no sidecar',
    },
    { title: 'State', render: w => <WorkloadState workload={w} /> },
    {
      title: 'Links',
      render: w => (
        <Box display="flex" style={{ gap: 12 }}>
          {w.links.kiali && (
            <Link to={w.links.kiali} aria-label={`${w.name} in Kiali`}>
              Kiali
            </Link>
          )}
          {w.links.jaeger && (
            <Link to={w.links.jaeger} aria-label={`${w.name} traces in Jaeger`}>
              Jaeger
            </Link>
          )}
        </Box>
      ),
    },
    {
      title: 'Actions',
      render: ({ kind, name, restartNeeded }) =>
        restartNeeded && isRestartableKind(kind) ? (
          <ActionButton
            size="small"
            permission={restartPermission}
            reasonId={reasonId}
            onClick={() => onRestart([{ kind, name }])}
          >
            Restart {name}
          </ActionButton>
        ) : null,
    },
  ];
  return (
    <Table<WorkloadRow>
      title={`Workloads in ${namespace}`}
      // Column dragging wraps each header in a focusable handle around the
      // sort button: a nested control and a second tab stop per column.
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        draggable: false,
      }}
      columns={columns}
      // material-table writes into its rows; give it copies, with the id it
      // keeps its row state by.
      data={workloads.map(w => ({ ...w, id: `${w.kind}/${w.name}` }))}
      emptyContent={
        <Box p={2}>No Deployments, StatefulSets or DaemonSets found.</Box>
      }
    />
  );
}
