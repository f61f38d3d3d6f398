import { useMemo, useState } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import type { MeshNamespaceOverview } from '@mesh-backstage/plugin-service-mesh-common';
import { usePagedRows } from '../../hooks/usePagedRows';
import {
  SortableColumn,
  SortableTableHead,
  SortableTableRow,
  sortRows,
  useSortOrder,
} from '../SortableTable';
import { StatusText } from '../StatusText';

/** The value of the revision filter for namespaces that no revision serves. */
const NO_REVISION = '(none)';

export function namespaceRevision(ns: MeshNamespaceOverview): string {
  return ns.injection.effectiveRevision ?? NO_REVISION;
}

function revisionText(ns: MeshNamespaceOverview): string {
  const { effectiveRevision, effectiveTag, revisionLabel, mode } = ns.injection;
  if (!effectiveRevision) {
    return revisionLabel ? `${revisionLabel} (not installed)` : 'none';
  }
  if (effectiveTag) return `${effectiveTag} → ${effectiveRevision}`;
  if (mode === 'enabled' && !revisionLabel) {
    return `${effectiveRevision} (istio-injection)`;
  }
  return effectiveRevision;
}

function podsText(ns: MeshNamespaceOverview): string {
  const parts = ns.proxies.map(p => `${p.revision}: ${p.pods}`);
  if (ns.podsWithoutSidecar > 0) {
    parts.push(`no sidecar: ${ns.podsWithoutSidecar}`);
  }
  return parts.join(', ') || '–';
}

const columns: SortableColumn<MeshNamespaceOverview>[] = [
  { title: 'Namespace', sortValue: ns => ns.name, render: ns => ns.name },
  { title: 'Revision or tag', sortValue: revisionText, render: revisionText },
  {
    title: 'Injection',
    render: ns =>
      ns.injection.perWorkload
        ? 'per workload'
        : `istio-injection ${ns.injection.mode}`,
  },
  { title: 'Pods per revision', render: podsText },
  {
    title: 'Restart needed',
    sortValue: ns => ns.workloadsToRestart,
    render: ns =>
      ns.workloadsToRestart > 0 ? (
        <StatusText status="warning">
          {ns.workloadsToRestart} of {ns.workloads} workloads
        </StatusText>
      ) : (
        'no'
      ),
  },
  {
    title: 'Owner',
    sortValue: ns => ns.entityRefs[0] ?? '',
    render: ns =>
      ns.entityRefs.length === 0
        ? '–'
        : ns.entityRefs.map(ref => (
            <Box key={ref}>
              <EntityRefLink entityRef={ref} />
            </Box>
          )),
  },
  {
    title: 'Warnings',
    sortValue: ns => ns.warnings.length,
    render: ns =>
      ns.warnings.length === 0
        ? 'none'
        : ns.warnings.map(w => (
            <Box key={`${w.code}-${w.workload?.name ?? ''}`}>
              <StatusText status={w.severity === 'error' ? 'error' : 'warning'}>
                {w.code}: {w.message}
              </StatusText>
            </Box>
          )),
  },
];

/**
 * Namespaces with their revision, injection, pods per revision, owner and
 * warnings; filtered, searched, sorted and paged, so a cluster of 500
 * namespaces renders one page of rows.
 */
export function NamespacesTable(props: {
  title: string;
  namespaces: MeshNamespaceOverview[];
}) {
  const { title, namespaces } = props;
  // Several tables share a page: ids from the (unique) title.
  const idBase = `namespaces-${title.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const [search, setSearch] = useState('');
  const [revision, setRevision] = useState('');
  const [restartOnly, setRestartOnly] = useState(false);
  const [warningsOnly, setWarningsOnly] = useState(false);
  const { order, sortBy } = useSortOrder();

  const revisions = useMemo(
    () => [...new Set(namespaces.map(namespaceRevision))].sort(),
    [namespaces],
  );
  const filtered = useMemo(() => {
    const needle = search.trim().toLocaleLowerCase('en-US');
    const matching = namespaces.filter(
      ns =>
        (!needle ||
          ns.name.includes(needle) ||
          ns.entityRefs.some(ref => ref.includes(needle))) &&
        (!revision || namespaceRevision(ns) === revision) &&
        (!restartOnly || ns.workloadsToRestart > 0) &&
        (!warningsOnly || ns.warnings.length > 0),
    );
    return sortRows(matching, columns, order);
  }, [namespaces, search, revision, restartOnly, warningsOnly, order]);
  const { pageRows, toFirstPage, paginationProps } = usePagedRows(filtered);
  const filterChanged =
    <V,>(set: (value: V) => void) =>
    (value: V) => {
      set(value);
      toFirstPage();
    };

  return (
    <Box>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 16 }}
      >
        <TextField
          id={`${idBase}-search`}
          label="Search namespaces or owners"
          value={search}
          onChange={e => filterChanged(setSearch)(e.target.value)}
          size="small"
        />
        <TextField
          id={`${idBase}-revision`}
          select
          label="Revision"
          value={revision}
          onChange={e => filterChanged(setRevision)(e.target.value)}
          size="small"
          style={{ minWidth: 160 }}
        >
          <MenuItem value="">All revisions</MenuItem>
          {revisions.map(r => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Checkbox
              checked={restartOnly}
              onChange={e => filterChanged(setRestartOnly)(e.target.checked)}
            />
          }
          label="Restart needed"
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={warningsOnly}
              onChange={e => filterChanged(setWarningsOnly)(e.target.checked)}
            />
          }
          label="With warnings"
        />
      </Box>
      <Table size="small" aria-label={title}>
        <SortableTableHead
          columns={columns}
          order={order}
          onSort={filterChanged(sortBy)}
        />
        <TableBody>
          {pageRows.map(ns => (
            <SortableTableRow key={ns.name} columns={columns} row={ns} />
          ))}
          {pageRows.length === 0 && (
            <TableRow>
              <TableCell colSpan={columns.length}>
                No namespace matches.
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <TablePagination component="div" {...paginationProps} />
    </Box>
  );
}
