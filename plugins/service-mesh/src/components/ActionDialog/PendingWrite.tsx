import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import type { AnyActionResponse } from './meshActionIntent';

/**
 * A write still unanswered after this long is most likely waiting its turn:
 * an unhindered one is answered within a second or two.
 */
export const WAITING_NOTE_AFTER_S = 5;

/** Whole seconds since `since`, ticking once a second. */
function useElapsedSeconds(since: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [since]);
  return Math.max(0, Math.floor((now - since) / 1_000));
}

/** "ServiceMeshMemberRoll default in istio-system", "namespace checkout". */
export function objectName(operation: KubeOperation): string {
  if (operation.kind === 'Namespace') return `namespace ${operation.name}`;
  return operation.namespace
    ? `${operation.kind} ${operation.name} in ${operation.namespace}`
    : `${operation.kind} ${operation.name}`;
}

function listText(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export interface PendingWriteProps {
  /** The dry run of the step being written: its writes name what is awaited. */
  plan: AnyActionResponse;
  /** "the change", "the restart". */
  what: string;
  /** This step's place among the steps confirmed, from 1. */
  step: number;
  steps: number;
  /** When this step was sent (ms since the epoch). */
  since: number;
}

/**
 * A confirmed step while its request is unanswered: which objects it writes,
 * for how long it has waited, and why it may wait. The backend writes an
 * object for one change at a time (writers of the same object queue, and one
 * that loses a race re-reads and retries), so a change behind another one
 * waits, with no fixed limit: each change ahead finishes or gives up once
 * its retries are spent. The request goes on if the dialog closes.
 */
export function PendingWrite(props: PendingWriteProps) {
  const { plan, what, step, steps, since } = props;
  const seconds = useElapsedSeconds(since);
  const { operations } = plan.change;
  const objects = listText(operations.map(objectName));
  const stepText = steps > 1 ? `Step ${step} of ${steps}, ${what}. ` : '';
  return (
    <Box mt={2} component="section" aria-label="Writing">
      <LinearProgress
        aria-label={steps > 1 ? `Step ${step} of ${steps}` : `Writing ${what}`}
        {...(steps > 1
          ? {
              variant: 'buffer' as const,
              value: (100 * (step - 1)) / steps,
              valueBuffer: (100 * step) / steps,
            }
          : {})}
      />
      {/* Announced when the step or the note changes, not every second. */}
      <div role="status">
        <Typography variant="body2" component="p">
          {stepText}
          {operations.length === 1
            ? `Writing: ${operations[0].summary}…`
            : `Writing ${operations.length} objects, one after another…`}
        </Typography>
        {operations.length > 1 && (
          <Box component="ol" pl={3} my={0.5}>
            {operations.map(operation => (
              <li
                key={`${operation.verb}/${operation.kind}/${operation.namespace}/${operation.name}`}
              >
                <Typography variant="body2">{operation.summary}</Typography>
              </li>
            ))}
          </Box>
        )}
        {seconds >= WAITING_NOTE_AFTER_S && (
          <Typography variant="body2" component="p">
            It is waiting its turn behind another change to {objects}, or for
            the cluster to answer: changes to one object are written one at a
            time, and a write that loses a race with another writer is planned
            again from a fresh read and retried. There is no fixed limit on the
            wait: each change ahead finishes, or gives up once its retries are
            spent. Closing this dialog does not stop the change.
          </Typography>
        )}
      </div>
      <Typography variant="caption" color="textSecondary" component="p">
        {seconds} s so far
      </Typography>
    </Box>
  );
}
