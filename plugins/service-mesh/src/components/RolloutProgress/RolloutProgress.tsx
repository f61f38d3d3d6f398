import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { FollowedChangeState } from '../../hooks/useFollowedChange';
import { StatusText } from '../StatusText';

/**
 * An applied action followed on the cluster: what it waits for, then the
 * pods rolling out ("2 of 4 pods on the new proxy"), then the outcome.
 * Announced politely to screen readers as it moves.
 */
export function RolloutProgress(props: {
  followed: FollowedChangeState;
  /** Names the progress bar: "Rollout in checkout". */
  label?: string;
}) {
  const { change, progress, timedOut } = props.followed;
  if (!change || !progress) return null;
  const { pods } = progress;
  let text;
  if (progress.settled) {
    text = <StatusText status="ok">{progress.text}</StatusText>;
  } else if (timedOut) {
    text = (
      <StatusText status="warning">
        Not settled after 5 minutes: {progress.text}
      </StatusText>
    );
  } else {
    text = <StatusText status="pending">{progress.text}…</StatusText>;
  }
  return (
    <Box my={1} role="status" aria-live="polite">
      <Typography variant="body2" component="p">
        {text}
      </Typography>
      {!progress.settled && !timedOut && (
        <LinearProgress
          aria-label={props.label ?? `Progress: ${change.intent.title}`}
          {...(pods && pods.total > 0
            ? {
                variant: 'determinate' as const,
                value: (100 * pods.done) / pods.total,
              }
            : {})}
        />
      )}
    </Box>
  );
}
