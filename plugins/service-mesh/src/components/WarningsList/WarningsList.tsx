import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type {
  MeshWarning,
  WarningFix,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { MeshPermissions } from '../../hooks/useMeshPermissions';
import { ActionButton } from '../ActionButton';

export interface WarningsListProps {
  warnings: MeshWarning[];
  permissions: MeshPermissions;
  reasonId?: string;
  onFix: (fix: WarningFix) => void;
}

/** Warnings with their code, explanation and, where one exists, the fix. */
export function WarningsList(props: WarningsListProps) {
  const { warnings, permissions, reasonId, onFix } = props;
  if (warnings.length === 0) {
    return <Typography variant="body2">No warnings.</Typography>;
  }
  return (
    <List aria-label="Warnings" disablePadding>
      {warnings.map((warning, index) => (
        <ListItem
          disableGutters
          // Codes repeat across workloads; the position keeps keys unique.
          key={`${warning.code}-${warning.workload?.name ?? ''}-${index}`}
        >
          <Box width="100%">
            <Alert
              severity={warning.severity}
              action={
                warning.fix && (
                  <ActionButton
                    size="small"
                    permission={permissions.actions[warning.fix.action]}
                    reasonId={reasonId}
                    onClick={() => onFix(warning.fix!)}
                  >
                    {warning.fix.title}
                  </ActionButton>
                )
              }
            >
              <AlertTitle>
                {warning.code}
                {warning.workload
                  ? ` · ${warning.workload.kind} ${warning.workload.name}`
                  : ''}
              </AlertTitle>
              {warning.message}
            </Alert>
          </Box>
        </ListItem>
      ))}
    </List>
  );
}
