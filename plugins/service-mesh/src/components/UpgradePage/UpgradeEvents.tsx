import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { UpgradeHistoryEvent } from '@mesh-backstage/plugin-service-mesh-common';

/** Newest first; older ones are counted, not rendered. */
export const EVENTS_SHOWN = 100;

/** The upgrade's event history with time and actor, newest first. */
export function UpgradeEvents({ events }: { events: UpgradeHistoryEvent[] }) {
  const shown = [...events].reverse().slice(0, EVENTS_SHOWN);
  return (
    <>
      <Table size="small" aria-label="Event history">
        <TableHead>
          <TableRow>
            <TableCell>Time</TableCell>
            <TableCell>Actor</TableCell>
            <TableCell>Event</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(e => (
            <TableRow key={e.id}>
              <TableCell>
                <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
              </TableCell>
              <TableCell>{e.actor}</TableCell>
              <TableCell>{e.message}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {events.length > shown.length && (
        <Typography variant="caption">
          {events.length - shown.length} older events not shown.
        </Typography>
      )}
    </>
  );
}
