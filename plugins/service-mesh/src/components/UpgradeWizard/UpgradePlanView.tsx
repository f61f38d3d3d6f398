import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { UpgradePlanResponse } from '@mesh-backstage/plugin-service-mesh-common';
import { StatusText } from '../StatusText';

type Plan = UpgradePlanResponse['plan'];
type Labels = Plan['namespaces'][number]['previousLabels'];

const ROWS = 25;

function labelsText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.join(', ') || 'no injection label';
}

function Prechecks({ plan }: { plan: Plan }) {
  return (
    <Box component="ul" aria-label="Prechecks" pl={2}>
      {plan.prechecks.map(check => {
        let status: 'ok' | 'error' | 'warning' = 'ok';
        let verdict = 'passed';
        if (!check.passed) {
          status = check.blocking ? 'error' : 'warning';
          verdict = check.blocking ? 'blocks the upgrade' : 'failed, forced';
        }
        return (
          <li key={check.name}>
            <StatusText status={status}>
              {check.name} {verdict}: {check.message}
            </StatusText>
            {check.details && check.details.length > 0 && (
              <ul>
                {check.details.map(d => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </Box>
  );
}

function NamespaceChanges({ plan }: { plan: Plan }) {
  const [page, setPage] = useState(0);
  const rows = plan.namespaces.slice(page * ROWS, (page + 1) * ROWS);
  return (
    <>
      <Table size="small" aria-label="Namespace changes">
        <TableHead>
          <TableRow>
            <TableCell>Namespace</TableCell>
            <TableCell>Batch</TableCell>
            <TableCell>Label change</TableCell>
            <TableCell>Restarts</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(ns => (
            <TableRow key={ns.namespace}>
              <TableCell component="th" scope="row">
                {ns.namespace}
              </TableCell>
              <TableCell>{ns.batch + 1}</TableCell>
              <TableCell>
                {ns.move === 'relabel' &&
                  `${labelsText(ns.previousLabels)} → ${labelsText(
                    ns.targetLabels,
                  )}`}
                {ns.move === 'followsTag' &&
                  `none: follows tag ${ns.tag ?? ''}`}
                {ns.move === 'restartOnly' && 'none: restart only'}
              </TableCell>
              <TableCell>
                {ns.restarts.length === 0
                  ? 'none'
                  : ns.restarts
                      .map(
                        r =>
                          `${r.workload.kind} ${r.workload.name} (${r.pods.length} pods)`,
                      )
                      .join(', ')}
                {ns.optedOut.length > 0 &&
                  `; opted out, not waited for: ${ns.optedOut
                    .map(w => w.name)
                    .join(', ')}`}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={plan.namespaces.length}
        page={page}
        rowsPerPage={ROWS}
        rowsPerPageOptions={[ROWS]}
        onPageChange={(_, p) => setPage(p)}
      />
    </>
  );
}

/** The dry-run plan: prechecks, batches, label changes and restarts, tag moves. */
export function UpgradePlanView({ plan }: { plan: Plan }) {
  const pods = plan.namespaces.reduce(
    (sum, ns) => sum + ns.restarts.reduce((s, r) => s + r.pods.length, 0),
    0,
  );
  return (
    <Box>
      <Typography variant="h6" component="h3">
        Plan: {plan.fromRevision} → {plan.targetRevision}
        {plan.targetVersion ? ` (${plan.targetVersion})` : ''}
      </Typography>
      <Typography variant="body2">
        {plan.batches.length} batches, {plan.namespaces.length} namespaces,{' '}
        {pods} pods to restart. Nothing has been written yet.
      </Typography>
      <Typography variant="subtitle1" component="h4">
        Prechecks
      </Typography>
      <Prechecks plan={plan} />
      {plan.controlPlaneSteps.length > 0 && (
        <>
          <Typography variant="subtitle1" component="h4">
            Control plane
          </Typography>
          <ul>
            {plan.controlPlaneSteps.map(step => (
              <li key={step.resource.name}>
                {step.resource.kind} {step.resource.name}: version{' '}
                {step.fromVersion ?? '?'} → {step.toVersion}, then wait for
                revision {step.awaitRevision}
              </li>
            ))}
          </ul>
        </>
      )}
      <Typography variant="subtitle1" component="h4">
        Batches
      </Typography>
      <Table size="small" aria-label="Planned batches">
        <TableHead>
          <TableRow>
            <TableCell>Batch</TableCell>
            <TableCell>Namespaces</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {plan.batches.map(b => (
            <TableRow key={b.index}>
              <TableCell component="th" scope="row">
                {b.index + 1}
                {b.canary ? ' (canary)' : ''}
              </TableCell>
              <TableCell>{b.namespaces.join(', ')}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="subtitle1" component="h4">
        Label changes and restarts
      </Typography>
      <NamespaceChanges plan={plan} />
      {plan.tagMoves.length > 0 && (
        <>
          <Typography variant="subtitle1" component="h4">
            Tag moves
          </Typography>
          <ul>
            {plan.tagMoves.map(m => (
              <li key={m.tag}>
                {m.tag}: {m.fromRevision} → {m.toRevision}
                {m.automatic ? ' (follows the control plane)' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {plan.staying.length > 0 && (
        <>
          <Typography variant="subtitle1" component="h4">
            Stays on {plan.fromRevision}
          </Typography>
          <ul>
            {plan.staying.map(s => (
              <li key={`${s.namespace}/${s.workload?.name ?? ''}`}>
                {s.namespace}
                {s.workload ? `/${s.workload.name}` : ''}: {s.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </Box>
  );
}
