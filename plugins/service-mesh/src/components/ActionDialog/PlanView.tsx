import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type {
  KubeOperation,
  ObjectChange,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { AnyActionResponse } from './meshActionIntent';

const useStyles = makeStyles(theme => ({
  code: {
    fontFamily: 'monospace',
    fontSize: theme.typography.pxToRem(12),
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1, 1.5),
    margin: theme.spacing(0.5, 0, 1),
    overflowX: 'auto',
    whiteSpace: 'pre',
  },
  changes: {
    margin: theme.spacing(0.5, 0, 1),
    paddingLeft: theme.spacing(2),
  },
}));

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A field path as people read it: labels and annotations by key. */
function fieldText(path: string[]): string {
  const at = path.findIndex(p => p === 'labels' || p === 'annotations');
  if (at >= 0 && at === path.length - 2) {
    const owner = path.slice(0, at).includes('template') ? 'pod template ' : '';
    return `${owner}${path[at] === 'labels' ? 'label' : 'annotation'} ${
      path[at + 1]
    }`;
  }
  return (path[0] === 'spec' ? path.slice(1) : path).join('.');
}

/** One field change, said with a word as well as a sign, never by colour. */
function changeText(change: ObjectChange): string {
  const field = fieldText(change.path);
  const hasBefore = 'before' in change;
  const hasAfter = 'after' in change;
  if (change.item) {
    return hasAfter
      ? `+ add ${valueText(change.after)} to ${field}`
      : `− remove ${valueText(change.before)} from ${field}`;
  }
  if (!hasAfter) return `− remove ${field} (was ${valueText(change.before)})`;
  if (!hasBefore) return `+ set ${field}: ${valueText(change.after)}`;
  return `~ change ${field}: ${valueText(change.before)} → ${valueText(
    change.after,
  )}`;
}

function targetOf(operation: KubeOperation): string {
  return operation.namespace
    ? `${operation.namespace}/${operation.name}`
    : operation.name;
}

function OperationView(props: {
  operation: KubeOperation;
  /** "Write 1 of 2: ", when the plan has more than one. */
  place: string;
  /** The plan has no summary of its own, so each write says it in words. */
  withSummary: boolean;
}) {
  const { operation, place, withSummary } = props;
  const classes = useStyles();
  const target = targetOf(operation);
  const changes = operation.changes ?? [];
  const others = operation.otherNamespaces ?? 0;
  return (
    <li>
      {withSummary && (
        <Typography variant="subtitle2" component="p">
          {operation.summary}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        {place}
        {operation.verb} {operation.kind} {target}
      </Typography>
      {operation.verb === 'delete' && (
        <Typography variant="body2">The object is deleted.</Typography>
      )}
      {operation.verb === 'patch' && changes.length > 0 && (
        <ul className={classes.changes} aria-label={`Changes to ${target}`}>
          {changes.map(change => (
            <li key={`${change.path.join('/')}:${valueText(change.after)}`}>
              <Typography variant="body2" style={{ fontFamily: 'monospace' }}>
                {changeText(change)}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      {others > 0 && (
        <Typography variant="body2" color="textSecondary">
          The list also holds {others} other{' '}
          {others === 1 ? 'namespace' : 'namespaces'}, not shown: they belong to
          other entities and stay as they are.
        </Typography>
      )}
      {operation.verb === 'create' && (
        <pre
          className={classes.code}
          aria-label={`${operation.kind} ${target} after the change`}
        >
          {operation.resultYaml}
        </pre>
      )}
      {operation.verb === 'patch' && (
        <details>
          <summary>
            <Typography variant="caption" component="span">
              The whole {operation.kind} after the change
            </Typography>
          </summary>
          <pre
            className={classes.code}
            aria-label={`${operation.kind} ${target} after the change`}
          >
            {operation.resultYaml}
          </pre>
        </details>
      )}
    </li>
  );
}

function ServiceNames({ label, names }: { label: string; names: string[] }) {
  if (names.length === 0) return null;
  return (
    <Box mt={0.5}>
      <Typography variant="body2">
        {label} ({names.length}):
      </Typography>
      <Box component="ul" pl={2} my={0} aria-label={label}>
        {names.map(name => (
          <li key={name}>
            <Typography variant="body2" style={{ fontFamily: 'monospace' }}>
              {name}
            </Typography>
          </li>
        ))}
      </Box>
    </Box>
  );
}

/**
 * "Exactly what will change": the plan in plain words, once, then per
 * object the fields that change (the whole object on demand), pods and
 * services. The plan's summary is its writes' sentences joined, so a write
 * repeats its own sentence only when the plan has no summary.
 */
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
        <Alert severity="info">
          {plan.summary ?? 'Already as asked'}: nothing to change.
        </Alert>
      ) : (
        <>
          {plan.summary && (
            <Typography variant="body1" gutterBottom>
              {plan.summary}
            </Typography>
          )}
          <Typography variant="body2">
            Exactly what will change ({operations.length}{' '}
            {operations.length === 1 ? 'object' : 'objects'}):
          </Typography>
          <Box component="ul" pl={2}>
            {operations.map((operation, index) => (
              <OperationView
                key={`${operation.verb}/${operation.kind}/${operation.namespace}/${operation.name}`}
                operation={operation}
                place={
                  operations.length > 1
                    ? `Write ${index + 1} of ${operations.length}: `
                    : ''
                }
                withSummary={!plan.summary}
              />
            ))}
          </Box>
        </>
      )}
      {plan.podsToReplace && plan.podsToReplace.length > 0 && (
        <>
          <Typography variant="subtitle2" component="p">
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
      {plan.visibleServices && <VisibleServicesChange plan={plan} />}
    </>
  );
}

/** "Visible services 13 → 6", and which services go and come. */
export function VisibleServicesChange({ plan }: { plan: AnyActionResponse }) {
  const visible = plan.visibleServices;
  if (!visible) return null;
  return (
    <Box mt={1}>
      <Typography variant="subtitle2" component="p">
        Visible services: {visible.before.toLocaleString('en-US')} →{' '}
        {visible.after.toLocaleString('en-US')}
      </Typography>
      <ServiceNames
        label="No longer visible"
        names={visible.disappearing ?? []}
      />
      <ServiceNames label="Newly visible" names={visible.appearing ?? []} />
    </Box>
  );
}
