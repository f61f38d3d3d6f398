import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { serviceMeshUpgradeForcePermission } from '@mesh-backstage/plugin-service-mesh-common';
import { UPGRADE_NOT_PERMITTED } from '../../hooks/useUpgradePermissions';

/**
 * The prechecks that failed in the last dry run, each of which may be
 * overridden (`options.force`) by people with the force permission; a
 * change asks for a new dry run.
 */
export function PrecheckOverrides(props: {
  failed: string[];
  forced: string[];
  onChange: (forced: string[]) => void;
}) {
  const { failed, forced, onChange } = props;
  const permission = usePermission({
    permission: serviceMeshUpgradeForcePermission,
  });
  if (failed.length === 0) return null;
  const reason =
    permission.allowed || permission.loading
      ? undefined
      : `${UPGRADE_NOT_PERMITTED} past failed prechecks (${serviceMeshUpgradeForcePermission.name}).`;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2">Override failed prechecks</Typography>
      {failed.map(name => (
        <FormControlLabel
          key={name}
          control={
            <Checkbox
              checked={forced.includes(name)}
              disabled={!permission.allowed}
              onChange={e =>
                onChange(
                  e.target.checked
                    ? [...forced, name]
                    : forced.filter(n => n !== name),
                )
              }
            />
          }
          label={`Override ${name}`}
        />
      ))}
      {reason && <Typography variant="body2">{reason}</Typography>}
    </Box>
  );
}
