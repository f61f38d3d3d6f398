import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { UpgradeBatch } from '@mesh-backstage/plugin-service-mesh-common';
import { namespaceStatusText, type StatusKind } from '../../lib/upgrades';
import { StatusText } from '../StatusText';

const BATCH_STATUS: Record<
  UpgradeBatch['status'],
  { text: string; status: StatusKind }
> = {
  pending: { text: 'Waiting', status: 'pending' },
  running: { text: 'Running', status: 'pending' },
  passed: { text: 'Passed', status: 'ok' },
  failed: { text: 'Failed its gate', status: 'error' },
};

/** Each batch with its namespaces and their state, in words. */
export function UpgradeBatches(props: {
  title: string;
  batches: UpgradeBatch[];
}) {
  const { title, batches } = props;
  return (
    <Table size="small" aria-label={title}>
      <TableHead>
        <TableRow>
          <TableCell>Batch</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Namespaces</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {batches.map(batch => {
          const status = BATCH_STATUS[batch.status];
          return (
            <TableRow key={batch.index}>
              <TableCell component="th" scope="row">
                {batch.index + 1}
                {batch.canary ? ' (canary)' : ''}
              </TableCell>
              <TableCell>
                <StatusText status={status.status}>{status.text}</StatusText>
                {batch.attempt > 1 ? `, attempt ${batch.attempt}` : ''}
              </TableCell>
              <TableCell>
                <Box display="flex" flexWrap="wrap" style={{ gap: '2px 16px' }}>
                  {batch.namespaces.map(ns => {
                    const text = namespaceStatusText(ns.status);
                    return (
                      <span
                        key={ns.namespace}
                        data-testid={`ns-${ns.namespace}`}
                      >
                        <StatusText status={text.status}>
                          {ns.namespace}: {text.text}
                        </StatusText>
                      </span>
                    );
                  })}
                </Box>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
