import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  UpgradeDetails,
  UpgradeOperationName,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import { errorMessage } from '../ActionDialog/meshActionIntent';
import type { ActionPermission } from '../../hooks/useMeshPermissions';
import {
  namespacesToSkip,
  operationAvailability,
  operationEffect,
  UPGRADE_OPERATIONS,
} from '../../lib/upgrades';

const PERMISSION_REASON_ID = 'upgrade-operations-permission';

/**
 * The operations on an upgrade, each enabled only when its phase and the
 * user's permission allow it (the reason is written beside it otherwise),
 * each behind a confirmation that says what it will do.
 */
export function UpgradeOperations(props: {
  upgrade: UpgradeDetails;
  permission: ActionPermission;
  onDone: (upgrade: UpgradeDetails) => void;
}) {
  const { upgrade, permission, onDone } = props;
  const api = useApi(serviceMeshApiRef);
  const [confirming, setConfirming] = useState<UpgradeOperationName>();
  const [namespace, setNamespace] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const availability = operationAvailability(upgrade);
  const skippable = namespacesToSkip(upgrade);

  const open = (operation: UpgradeOperationName) => {
    setConfirming(operation);
    setNamespace(skippable[0] ?? '');
    setReason('');
    setError(undefined);
  };
  const confirm = async () => {
    if (!confirming || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api.operateUpgrade(upgrade.id, confirming, {
        cluster: upgrade.cluster,
        ...(confirming === 'skip' ? { namespace } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setConfirming(undefined);
      onDone(updated);
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };
  const effect = confirming && operationEffect(confirming, upgrade);
  const needsReason = confirming === 'skip';

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
      {permission.reason && (
        <Typography variant="body2" id={PERMISSION_REASON_ID}>
          {permission.reason}
        </Typography>
      )}
      {UPGRADE_OPERATIONS.map(operation => {
        const state = availability[operation];
        const enabled = state.enabled && permission.allowed;
        const why = !permission.allowed ? undefined : state.reason;
        const id = `upgrade-operation-${operation}-reason`;
        return (
          <Box
            key={operation}
            display="flex"
            alignItems="center"
            style={{ gap: 8 }}
          >
            <Button
              variant="outlined"
              size="small"
              disabled={!enabled}
              onClick={() => open(operation)}
              aria-describedby={
                // eslint-disable-next-line no-nested-ternary
                why ? id : permission.allowed ? undefined : PERMISSION_REASON_ID
              }
            >
              {operationEffect(operation, upgrade).title}
            </Button>
            {why && (
              <Typography variant="caption" id={id}>
                {why}
              </Typography>
            )}
          </Box>
        );
      })}
      <Dialog open={!!confirming} onClose={() => setConfirming(undefined)}>
        {effect && (
          <>
            <DialogTitle>{effect.title}?</DialogTitle>
            <DialogContent>
              <DialogContentText>{effect.effect}</DialogContentText>
              {confirming === 'skip' && (
                <TextField
                  id="upgrade-skip-namespace"
                  select
                  fullWidth
                  label="Namespace to skip"
                  value={namespace}
                  onChange={e => setNamespace(e.target.value)}
                >
                  {skippable.map(ns => (
                    <MenuItem key={ns} value={ns}>
                      {ns}
                    </MenuItem>
                  ))}
                </TextField>
              )}
              <TextField
                id="upgrade-operation-reason"
                fullWidth
                label={needsReason ? 'Reason (required)' : 'Reason (optional)'}
                value={reason}
                onChange={e => setReason(e.target.value)}
                margin="normal"
              />
              {error && <Alert severity="error">{error}</Alert>}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirming(undefined)}>Cancel</Button>
              <Button
                color="primary"
                variant="contained"
                onClick={confirm}
                disabled={
                  busy || (needsReason && (!reason.trim() || !namespace))
                }
              >
                {effect.title}
              </Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </Box>
  );
}
