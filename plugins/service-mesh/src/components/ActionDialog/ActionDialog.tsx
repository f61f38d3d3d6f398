import { useEffect, useRef, useState } from 'react';
import { getCompoundEntityRef, type Entity } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { KubeOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { stringify as toYaml } from 'yaml';
import { serviceMeshApiRef } from '../../api';
import {
  AnyActionResponse,
  errorMessage,
  isForceable,
  MeshActionIntent,
  runIntent,
} from './meshActionIntent';

const useStyles = makeStyles(theme => ({
  yaml: {
    fontFamily: 'monospace',
    fontSize: theme.typography.pxToRem(12),
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1, 1.5),
    margin: theme.spacing(0.5, 0, 2),
    overflowX: 'auto',
    whiteSpace: 'pre',
  },
}));

type Phase =
  | { kind: 'planning' }
  | { kind: 'review'; plan: AnyActionResponse }
  | { kind: 'refused'; error: Error }
  | { kind: 'applying'; plan: AnyActionResponse }
  | { kind: 'failed'; plan: AnyActionResponse; error: Error }
  | { kind: 'applied'; result: AnyActionResponse };

const TITLE_ID = 'service-mesh-action-dialog-title';

export interface ActionDialogProps {
  entity: Entity;
  intent: MeshActionIntent;
  /** Whether the user holds the force permission. */
  canForce: boolean;
  onClose: () => void;
  /** Called once the change was written, to refresh the status. */
  onApplied: (result: AnyActionResponse) => void;
}

/** The JSON Patch as readable lines, without the `test` preconditions. */
function patchLines(operation: KubeOperation): string[] {
  return (operation.patch ?? [])
    .filter(p => p.op !== 'test')
    .map(p =>
      p.value === undefined
        ? `${p.op} ${p.path}`
        : `${p.op} ${p.path}: ${toYaml(p.value, { lineWidth: 0 }).trim()}`,
    );
}

function OperationView({ operation }: { operation: KubeOperation }) {
  const classes = useStyles();
  const target = operation.namespace
    ? `${operation.namespace}/${operation.name}`
    : operation.name;
  const lines = patchLines(operation);
  return (
    <li>
      <Typography variant="subtitle2">{operation.summary}</Typography>
      <Typography variant="caption" color="textSecondary">
        {operation.verb} {operation.kind} {target}
      </Typography>
      {lines.length > 0 && (
        <pre className={classes.yaml} aria-label={`Patch of ${target}`}>
          {lines.join('\n')}
        </pre>
      )}
      {operation.verb === 'delete' ? (
        <Typography variant="body2">The object is deleted.</Typography>
      ) : (
        <pre
          className={classes.yaml}
          aria-label={`${operation.kind} ${target} after the change`}
        >
          {operation.resultYaml}
        </pre>
      )}
    </li>
  );
}

/** "exactly what will change": the operations, pods and services of a plan. */
export function PlanView({ plan }: { plan: AnyActionResponse }) {
  const { operations } = plan.change;
  return (
    <>
      {plan.forced && plan.forced.length > 0 && (
        <Alert severity="warning">
          Overriding guard rails: {plan.forced.join(', ')}
        </Alert>
      )}
      {operations.length === 0 ? (
        <Typography>
          Nothing to change: the cluster is already in the requested state.
        </Typography>
      ) : (
        <>
          <Typography>
            Exactly what will change ({operations.length}{' '}
            {operations.length === 1 ? 'object' : 'objects'}):
          </Typography>
          <Box component="ul" pl={2}>
            {operations.map(operation => (
              <OperationView
                key={`${operation.verb}/${operation.kind}/${operation.namespace}/${operation.name}`}
                operation={operation}
              />
            ))}
          </Box>
        </>
      )}
      {plan.podsToReplace && plan.podsToReplace.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Pods to be replaced ({plan.podsToReplace.length})
          </Typography>
          <Box component="ul" pl={2} aria-label="Pods to be replaced">
            {plan.podsToReplace.map(pod => (
              <li key={pod.name}>
                <Typography variant="body2">{pod.name}</Typography>
              </li>
            ))}
          </Box>
        </>
      )}
      {plan.visibleServices && (
        <Typography variant="subtitle2">
          Visible services:{' '}
          {plan.visibleServices.before.toLocaleString('en-US')} →{' '}
          {plan.visibleServices.after.toLocaleString('en-US')}
        </Typography>
      )}
    </>
  );
}

function ErrorAlert({ title, error }: { title: string; error: Error }) {
  const status =
    error instanceof ResponseError
      ? ` (${error.statusCode} ${error.statusText})`
      : '';
  return (
    <Alert severity="error">
      <AlertTitle>
        {title}
        {status}
      </AlertTitle>
      {errorMessage(error)}
    </Alert>
  );
}

/**
 * Confirms one action: asks the backend for a dry run, shows exactly what
 * would change, and applies it only when the user confirms.
 */
export function ActionDialog(props: ActionDialogProps) {
  const { entity, intent, canForce, onClose, onApplied } = props;
  const api = useApi(serviceMeshApiRef);
  const [force, setForce] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'planning' });
  // One key per dialog: confirming twice (a double click, a retry after an
  // error) is one restart, not two.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // Set synchronously, so a second click before the re-render sends nothing.
  const applying = useRef(false);

  useEffect(() => {
    let current = true;
    setPhase({ kind: 'planning' });
    // The same key as the real run, so the preview shows exactly what it writes.
    runIntent(api, getCompoundEntityRef(entity), intent, {
      dryRun: true,
      force,
      idempotencyKey,
    }).then(
      plan => current && setPhase({ kind: 'review', plan }),
      error => current && setPhase({ kind: 'refused', error }),
    );
    return () => {
      current = false;
    };
  }, [api, entity, intent, force, idempotencyKey]);

  const apply = (plan: AnyActionResponse) => {
    if (applying.current) return;
    applying.current = true;
    setPhase({ kind: 'applying', plan });
    runIntent(api, getCompoundEntityRef(entity), intent, {
      dryRun: false,
      force,
      idempotencyKey,
    }).then(
      result => {
        setPhase({ kind: 'applied', result });
        onApplied(result);
      },
      error => {
        applying.current = false;
        setPhase({ kind: 'failed', plan, error });
      },
    );
  };

  const refusal =
    phase.kind === 'refused' || phase.kind === 'failed'
      ? phase.error
      : undefined;
  const offerForce = refusal && isForceable(refusal) && !force;
  const plan =
    phase.kind === 'review' ||
    phase.kind === 'applying' ||
    phase.kind === 'failed'
      ? phase.plan
      : undefined;

  return (
    <Dialog open onClose={onClose} aria-labelledby={TITLE_ID} maxWidth="md">
      <DialogTitle id={TITLE_ID}>{intent.title}</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Namespace {intent.request.namespace} on cluster{' '}
          {intent.request.cluster}
        </Typography>
        {phase.kind === 'planning' && <Progress />}
        {phase.kind === 'refused' && (
          <ErrorAlert title="The change cannot be made" error={phase.error} />
        )}
        {plan && <PlanView plan={plan} />}
        {phase.kind === 'applying' && <Progress />}
        {phase.kind === 'failed' && (
          <ErrorAlert title="The change failed" error={phase.error} />
        )}
        {offerForce && !canForce && (
          <Typography variant="body2">
            Only users with the service-mesh.force permission can override this
            guard rail.
          </Typography>
        )}
        {phase.kind === 'applied' && (
          <Alert severity="success">
            <AlertTitle>
              {phase.result.applied ? 'Applied' : 'Nothing was changed'}
            </AlertTitle>
            {phase.result.change.operations.map(o => (
              <div key={`${o.kind}/${o.namespace}/${o.name}`}>{o.summary}</div>
            ))}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {phase.kind === 'applied' ? (
          <Button onClick={onClose} color="primary" variant="contained">
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            {offerForce && canForce && (
              <Button onClick={() => setForce(true)} color="secondary">
                Force
              </Button>
            )}
            <Button
              color="primary"
              variant="contained"
              disabled={
                !plan ||
                plan.change.operations.length === 0 ||
                phase.kind === 'applying'
              }
              onClick={() => plan && apply(plan)}
            >
              {force ? 'Confirm with force' : 'Confirm'}
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
