import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';

const icons = {
  ok: StatusOK,
  warning: StatusWarning,
  error: StatusError,
  aborted: StatusAborted,
  pending: StatusPending,
};

/**
 * A status icon followed by words. Backstage's Status components are
 * aria-hidden, so the words stay outside them for screen readers.
 */
export function StatusText(props: {
  status: keyof typeof icons;
  children: ReactNode;
}) {
  const Icon = icons[props.status];
  return (
    <Box component="span" display="inline-flex" alignItems="center">
      <Icon />
      <span>{props.children}</span>
    </Box>
  );
}
