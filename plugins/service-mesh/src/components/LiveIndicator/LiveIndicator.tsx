import Typography from '@material-ui/core/Typography';
import type { LiveConnection } from '../../hooks/useLiveData';
import { StatusText } from '../StatusText';

/** Whether what the page shows follows the backend live. */
export function LiveIndicator({ connection }: { connection: LiveConnection }) {
  let text;
  switch (connection) {
    case 'live':
      text = <StatusText status="ok">live</StatusText>;
      break;
    case 'reconnecting':
      text = <StatusText status="warning">reconnecting…</StatusText>;
      break;
    default:
      text = (
        <StatusText status="pending">
          no live updates: refreshed every 30 s
        </StatusText>
      );
  }
  return (
    <Typography variant="body2" component="span" role="status">
      {text}
    </Typography>
  );
}
