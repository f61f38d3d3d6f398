import { useEffect, useRef, useState } from 'react';
import { getCompoundEntityRef, type Entity } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { serviceMeshApiRef } from '../../api';
import {
  AnyActionResponse,
  errorMessage,
  isForceable,
  MeshActionIntent,
  runIntent,
} from './meshActionIntent';
import { PendingWrite } from './PendingWrite';
import { PlanView } from './PlanView';

type Phase =
  | { kind: 'planning' }
  | { kind: 'review'; plan: Plans }
  | { kind: 'refused'; error: Error }
  | {
      kind: 'applying';
      plan: Plans;
      step: 'change' | 'restart';
      /** When the step was sent, for the time waited. */
      since: number;
    }
  | { kind: 'failed'; plan: Plans; error: Error; applied?: AnyActionResponse }
  | { kind: 'applied'; result: AnyActionResponse; restart?: AnyActionResponse };

/** The dry runs a confirmation shows: the change, and the restart if chosen. */
interface Plans {
  change: AnyActionResponse;
  restart?: AnyActionResponse;
  /** Why the restart cannot be made; the change alone still can. */
  restartRefused?: Error;
}

const TITLE_ID = 'service-mesh-action-dialog-title';

export interface ActionDialogProps {
  entity: Entity;
  intent: MeshActionIntent;
  /** Whether the user holds the force permission. */
  canForce: boolean;
  onClose: () => void;
  /**
   * Called once per change written, to refresh the status: for the main
   * change, then for the restart chosen with it (with the intent of each).
   */
  onApplied: (result: AnyActionResponse, applied: MeshActionIntent) => void;
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

/** How a written change reads afterwards: applied, or the state found, neutrally. */
function ResultView({ result }: { result: AnyActionResponse }) {
  if (!result.applied) {
    return (
      <Alert severity="info">
        {result.summary ?? 'Already as asked'}: nothing was changed.
      </Alert>
    );
  }
  return (
    <Alert severity="success">
      <AlertTitle>Applied</AlertTitle>
      {result.summary ??
        result.change.operations.map(o => o.summary).join('. ')}
    </Alert>
  );
}

/** Which step of the confirmed ones is being written, and its dry run. */
function pendingStep(
  plan: Plans,
  step: 'change' | 'restart',
  restartIntent: MeshActionIntent | undefined,
) {
  const steps = restartIntent ? 2 : 1;
  if (step === 'restart' && plan.restart) {
    return { plan: plan.restart, what: 'the restart', step: 2, steps };
  }
  return { plan: plan.change, what: 'the change', step: 1, steps };
}

/**
 * Confirms one action: asks the backend for a dry run, shows exactly what
 * would change, and applies it only when the user confirms. Where the
 * intent offers it, "and restart the workloads" adds the restart's own dry
 * run to the same confirmation, and runs it once the change is written.
 */
export function ActionDialog(props: ActionDialogProps) {
  const { entity, intent, canForce, onClose, onApplied } = props;
  const api = useApi(serviceMeshApiRef);
  const [force, setForce] = useState(false);
  const offer = intent.restart;
  const [withRestart, setWithRestart] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'planning' });
  // One key per dialog: confirming twice (a double click, a retry after an
  // error) is one restart, not two.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // Set synchronously, so a second click before the re-render sends nothing.
  const applying = useRef(false);
  const restartIntent = withRestart && offer ? offer.intent : undefined;
  const entityRef = getCompoundEntityRef(entity);

  useEffect(() => {
    let current = true;
    setPhase({ kind: 'planning' });
    const ref = getCompoundEntityRef(entity);
    // The same key as the real run, so the preview shows exactly what it writes.
    const options = { dryRun: true, force, idempotencyKey };
    Promise.all([
      runIntent(api, ref, intent, options),
      restartIntent &&
        runIntent(api, ref, restartIntent, options).catch(
          (error: Error) => error,
        ),
    ]).then(
      ([change, restart]) =>
        current &&
        setPhase({
          kind: 'review',
          plan:
            restart instanceof Error
              ? { change, restartRefused: restart }
              : { change, restart: restart || undefined },
        }),
      error => current && setPhase({ kind: 'refused', error }),
    );
    return () => {
      current = false;
    };
  }, [api, entity, intent, restartIntent, force, idempotencyKey]);

  const apply = async (plan: Plans) => {
    if (applying.current) return;
    applying.current = true;
    const options = { dryRun: false, force, idempotencyKey };
    // A retry after a failed restart does not write the change again.
    let result = phase.kind === 'failed' ? phase.applied : undefined;
    try {
      if (!result) {
        setPhase({ kind: 'applying', plan, step: 'change', since: Date.now() });
        result = await runIntent(api, entityRef, intent, options);
        onApplied(result, intent);
      }
      let restart: AnyActionResponse | undefined;
      if (restartIntent) {
        setPhase({
          kind: 'applying',
          plan,
          step: 'restart',
          since: Date.now(),
        });
        restart = await runIntent(api, entityRef, restartIntent, options);
        onApplied(restart, restartIntent);
      }
      setPhase({ kind: 'applied', result, restart });
    } catch (error) {
      applying.current = false;
      setPhase({
        kind: 'failed',
        plan,
        error: error as Error,
        applied: result,
      });
    }
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
  const nothingToDo =
    plan !== undefined &&
    plan.change.change.operations.length === 0 &&
    (plan.restart?.change.operations.length ?? 0) === 0;
  const restartBlocked = Boolean(restartIntent && plan?.restartRefused);
  const restartDenied =
    offer && !offer.permission.loading && !offer.permission.allowed;
  const restartLabelId = `${TITLE_ID}-restart`;

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
        {plan && <PlanView plan={plan.change} />}
        {offer && phase.kind !== 'applied' && (
          <Box mt={2}>
            <FormControlLabel
              control={
                <Checkbox
                  checked={withRestart}
                  disabled={
                    !offer.permission.allowed || phase.kind === 'applying'
                  }
                  onChange={e => setWithRestart(e.target.checked)}
                  inputProps={{
                    'aria-describedby': restartDenied
                      ? restartLabelId
                      : undefined,
                  }}
                />
              }
              label={`and restart the ${
                offer.intent.request.workloads?.length
              } ${
                offer.intent.request.workloads?.length === 1
                  ? 'workload'
                  : 'workloads'
              }, so running pods get the change now`}
            />
            {restartDenied ? (
              <Typography
                variant="body2"
                color="textSecondary"
                id={restartLabelId}
              >
                {offer.permission.reason}
              </Typography>
            ) : (
              !withRestart && (
                <Typography variant="body2" color="textSecondary">
                  Running pods keep their current sidecar until they restart.
                </Typography>
              )
            )}
          </Box>
        )}
        {plan?.restartRefused && (
          <Box mt={1}>
            <ErrorAlert
              title="The restart cannot be made; clear the box to make the change alone"
              error={plan.restartRefused}
            />
          </Box>
        )}
        {plan?.restart && (
          <Box mt={2} component="section" aria-label="Then the restart">
            <Typography variant="subtitle1" component="h3">
              Then the restart
            </Typography>
            <PlanView plan={plan.restart} />
          </Box>
        )}
        {phase.kind === 'applying' && (
          <PendingWrite
            {...pendingStep(phase.plan, phase.step, restartIntent)}
            since={phase.since}
          />
        )}
        {phase.kind === 'failed' && (
          <>
            {phase.applied && <ResultView result={phase.applied} />}
            <ErrorAlert
              title={phase.applied ? 'The restart failed' : 'The change failed'}
              error={phase.error}
            />
          </>
        )}
        {offerForce && !canForce && (
          <Typography variant="body2">
            Only users with the service-mesh.force permission can override this
            guard rail.
          </Typography>
        )}
        {phase.kind === 'applied' && (
          <>
            <ResultView result={phase.result} />
            {phase.restart && (
              <Box mt={1}>
                <ResultView result={phase.restart} />
              </Box>
            )}
          </>
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
                nothingToDo ||
                restartBlocked ||
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
