import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  RestartRequest,
  WorkloadMeshStatus,
} from '@mesh-backstage/plugin-service-mesh-common';
import { isRestartableKind } from '@mesh-backstage/plugin-service-mesh-common';
import type { ActionPermission } from '../../hooks/useMeshPermissions';
import { usePagedRows } from '../../hooks/usePagedRows';
import { ActionButton } from '../ActionButton';
import {
  SortableColumn,
  SortableTableHead,
  SortableTableRow,
  sortRows,
  useSortOrder,
} from '../SortableTable';
import { StatusText } from '../StatusText';

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

function workloadState(workload: WorkloadMeshStatus) {
  if (workload.optedOut) {
    return { status: 'pending', text: 'Opted out' } as const;
  }
  if (workload.restartNeeded) {
    return { status: 'warning', text: 'Restart needed' } as const;
  }
  if (workload.podsWithSidecar > 0) {
    return { status: 'ok', text: 'Up to date' } as const;
  }
  return { status: 'pending', text: 'No sidecar' } as const;
}

function workloadText(workload: WorkloadMeshStatus): string {
  return `${workload.kind} ${workload.name}`;
}

/**
 * The namespace's workloads and the state of their sidecars, sortable by
 * their values and paged when there are many.
 */
export function WorkloadsTable(props: WorkloadsTableProps) {
  const { namespace, workloads, restartPermission, reasonId, onRestart } =
    props;
  const columns: SortableColumn<WorkloadMeshStatus>[] = [
    { title: 'Workload', sortValue: workloadText, render: workloadText },
    {
      title: 'Pods with sidecar',
      sortValue: w => w.podsWithSidecar,
      render: w => `${w.podsWithSidecar} of ${w.pods}`,
    },
    {
      title: 'Pods without sidecar',
      sortValue: w => w.podsWithoutSidecar,
      render: w => String(w.podsWithoutSidecar),
    },
    {
      title: 'Proxy revision (version)',
      sortValue: proxiesText,
      render: proxiesText,
    },
    {
      title: 'New pods get',
      sortValue: w => w.expectedRevision ?? 'no sidecar',
      render: w => w.expectedRevision ?? 'no sidecar',
    },
    {
      title: 'State',
      sortValue: w => workloadState(w).text,
      render: w => {
        const { status, text } = workloadState(w);
        return <StatusText status={status}>{text}</StatusText>;
      },
    },
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
  const { order, sortBy } = useSortOrder();
  const sorted = sortRows(workloads, columns, order);
  const { pageRows, fitOnePage, toFirstPage, paginationProps } =
    usePagedRows(sorted);
  const title = `Workloads in ${namespace}`;

  return (
    <Box>
      <Typography variant="h6" component="h3">
        {title}
      </Typography>
      <Table size="small" aria-label={title}>
        <SortableTableHead
          columns={columns}
          order={order}
          onSort={column => {
            sortBy(column);
            toFirstPage();
          }}
        />
        <TableBody>
          {pageRows.map(w => (
            <SortableTableRow
              key={`${w.kind}/${w.name}`}
              columns={columns}
              row={w}
            />
          ))}
          {workloads.length === 0 && (
            <TableRow>
              <TableCell colSpan={columns.length}>
                No Deployments, StatefulSets or DaemonSets found.
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      {!fitOnePage && <TablePagination component="div" {...paginationProps} />}
    </Box>
  );
}
