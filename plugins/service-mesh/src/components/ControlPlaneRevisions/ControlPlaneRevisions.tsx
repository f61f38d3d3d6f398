import { StatusText } from '../StatusText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  ControlPlaneInfo,
  RevisionInfo,
} from '@mesh-backstage/plugin-service-mesh-common';
import { canaryNote, controlPlaneName } from '../../lib/meshSummary';

function Readiness({ ready }: { ready: boolean }) {
  return ready ? (
    <StatusText status="ok">Ready</StatusText>
  ) : (
    <StatusText status="error">Not ready</StatusText>
  );
}

/** The revisions of a control plane, their health, and the tags on them. */
export function ControlPlaneRevisions({
  controlPlane,
}: {
  controlPlane: ControlPlaneInfo;
}) {
  const name = controlPlaneName(controlPlane);
  const roleOf = (revision: RevisionInfo) => {
    const note = revision.isDefault
      ? 'default'
      : canaryNote(revision.name, controlPlane);
    return note ? ` (${note})` : '';
  };
  return (
    <>
      <Typography variant="subtitle1" component="h3">
        {name}
      </Typography>
      <Table size="small" aria-label={`Revisions of ${name}`}>
        <TableHead>
          <TableRow>
            <TableCell>Revision</TableCell>
            <TableCell>Version</TableCell>
            <TableCell>istiod</TableCell>
            <TableCell>Injector</TableCell>
            <TableCell>Tags</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {controlPlane.revisions.map(revision => (
            <TableRow key={revision.name}>
              <TableCell component="th" scope="row" role="rowheader">
                {revision.name}
                {roleOf(revision)}
              </TableCell>
              <TableCell>{revision.version ?? 'unknown'}</TableCell>
              <TableCell>
                <Readiness ready={revision.ready} />
              </TableCell>
              <TableCell>
                <Readiness ready={revision.injectorReady} />
              </TableCell>
              <TableCell>
                {controlPlane.tags
                  .filter(t => t.revision === revision.name)
                  .map(t => t.name)
                  .join(', ') || '–'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
