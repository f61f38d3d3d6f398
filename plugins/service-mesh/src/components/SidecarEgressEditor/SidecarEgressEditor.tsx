import { useEffect, useState } from 'react';
import { getCompoundEntityRef, type Entity } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import Alert from '@material-ui/lab/Alert';
import type {
  NamespaceMeshStatus,
  ServiceEntryRequest,
  SidecarEgressRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import type { ActionPermission } from '../../hooks/useMeshPermissions';
import {
  defaultEgressHosts,
  egressHostProblem,
  isExternalEgressHost,
  suggestedEgressHost,
} from '@mesh-backstage/plugin-service-mesh-common';
import { VisibleServicesChange } from '../ActionDialog';
import { ExternalHostsNote } from './ExternalHostsNote';
import {
  AnyActionResponse,
  errorMessage,
} from '../ActionDialog/meshActionIntent';

export interface SidecarEgressEditorProps {
  entity: Entity;
  cluster: string;
  namespace: NamespaceMeshStatus;
  /** Opens the confirmation for the request (the action dialog). */
  onSubmit: (request: SidecarEgressRequest) => void;
  onCancel: () => void;
  /** Who may create the ServiceEntry that external hosts need. */
  serviceEntryPermission: ActionPermission;
  /** Opens the confirmation for that ServiceEntry; the editor stays open. */
  onCreateServiceEntry: (request: ServiceEntryRequest) => void;
}

/** The namespace-wide Sidecar the editor edits, if one exists. */
export function namespaceSidecar(namespace: NamespaceMeshStatus) {
  return (
    namespace.sidecars.find(s => s.name === 'default' && !s.workloadSelector) ??
    namespace.sidecars.find(s => !s.workloadSelector)
  );
}

type Preview =
  | { kind: 'loading' }
  | { kind: 'ready'; plan: AnyActionResponse }
  | { kind: 'error'; error: Error };

/**
 * Edits the egress hosts of the namespace's Sidecar. Hosts are checked as
 * they are typed (a plain external host gets `*\/host` suggested); each
 * change to the list is dry-run so the user sees which services the proxies
 * would stop or start seeing. The objects that change are shown once, in
 * the confirmation that Apply opens.
 */
export function SidecarEgressEditor(props: SidecarEgressEditorProps) {
  const {
    entity,
    cluster,
    namespace,
    onSubmit,
    onCancel,
    serviceEntryPermission,
    onCreateServiceEntry,
  } = props;
  const api = useApi(serviceMeshApiRef);
  const existing = namespaceSidecar(namespace);
  const [hosts, setHosts] = useState<string[]>(
    () =>
      existing?.egressHosts ??
      defaultEgressHosts(namespace.controlPlane?.namespace),
  );
  const [draft, setDraft] = useState('');
  const [preview, setPreview] = useState<Preview>({ kind: 'loading' });

  const draftProblem = draft === '' ? undefined : egressHostProblem(draft);
  const suggestion = draftProblem ? suggestedEgressHost(draft) : undefined;
  const duplicate = hosts.includes(draft.trim());
  const canAdd = draft.trim() !== '' && !draftProblem && !duplicate;
  const external = hosts.filter(h => isExternalEgressHost(h));
  const request: SidecarEgressRequest = {
    cluster,
    namespace: namespace.name,
    ...(existing ? { name: existing.name } : {}),
    hosts,
  };
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    let current = true;
    if (hosts.length === 0) {
      return undefined;
    }
    setPreview({ kind: 'loading' });
    api
      .runAction(getCompoundEntityRef(entity), 'sidecarEgress', {
        ...(JSON.parse(requestKey) as SidecarEgressRequest),
        dryRun: true,
      })
      .then(
        plan => current && setPreview({ kind: 'ready', plan }),
        error => current && setPreview({ kind: 'error', error }),
      );
    return () => {
      current = false;
    };
    // requestKey stands for the request's content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entity, requestKey]);

  const add = (host = draft.trim()) => {
    if (host !== '' && !egressHostProblem(host) && !hosts.includes(host)) {
      setHosts([...hosts, host]);
      setDraft('');
    }
  };
  const unchanged =
    preview.kind === 'ready' && preview.plan.change.operations.length === 0;

  let helperText =
    'namespace/dnsName: "." is this namespace, "*" any namespace; dnsName is "*", "*.suffix" or a host name';
  if (draftProblem) {
    helperText = draftProblem;
  } else if (duplicate && draft !== '') {
    helperText = `${draft.trim()} is already listed`;
  }

  return (
    <Box
      component="section"
      aria-label={`Sidecar egress of ${namespace.name}`}
      mt={2}
    >
      <Typography variant="h6" component="h4">
        {existing
          ? `Edit Sidecar ${existing.name}`
          : 'Create a Sidecar egress (default)'}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Proxies in {namespace.name} only receive configuration for the services
        these hosts allow, which saves memory in large meshes.
      </Typography>
      <List dense aria-label="Egress hosts">
        {hosts.map(host => (
          <ListItem key={host}>
            <ListItemText
              primary={<span style={{ fontFamily: 'monospace' }}>{host}</span>}
            />
            <ListItemSecondaryAction>
              <IconButton
                edge="end"
                aria-label={`Remove ${host}`}
                disabled={hosts.length === 1}
                onClick={() => setHosts(hosts.filter(h => h !== host))}
              >
                <DeleteIcon />
              </IconButton>
            </ListItemSecondaryAction>
          </ListItem>
        ))}
      </List>
      <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
        <TextField
          id={`service-mesh-egress-host-${cluster}-${namespace.name}`}
          label="Egress host"
          placeholder="payments/*"
          value={draft}
          onChange={e => setDraft(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          error={Boolean(draftProblem) || (duplicate && draft !== '')}
          helperText={helperText}
          variant="outlined"
          size="small"
          fullWidth
        />
        <Button variant="outlined" onClick={() => add()} disabled={!canAdd}>
          Add host
        </Button>
      </Box>
      {suggestion && !hosts.includes(suggestion) && (
        <Box mt={1}>
          <Button
            variant="outlined"
            size="small"
            onClick={() => add(suggestion)}
          >
            Use {suggestion}
          </Button>
        </Box>
      )}
      {external.length > 0 && (
        <ExternalHostsNote
          hosts={external}
          cluster={cluster}
          namespace={namespace.name}
          permission={serviceEntryPermission}
          onCreate={onCreateServiceEntry}
        />
      )}
      <Box mt={2} aria-live="polite">
        <Typography variant="subtitle1" component="h5">
          What the proxies would see
        </Typography>
        {preview.kind === 'loading' && <Progress />}
        {preview.kind === 'error' && (
          <Alert severity="error">{errorMessage(preview.error)}</Alert>
        )}
        {preview.kind === 'ready' &&
          (unchanged ? (
            <Typography variant="body2">
              The Sidecar already has these hosts: nothing to apply.
            </Typography>
          ) : (
            <VisibleServicesChange plan={preview.plan} />
          ))}
      </Box>
      <Box mt={1} display="flex" style={{ gap: 8 }}>
        <Button
          color="primary"
          variant="contained"
          onClick={() => onSubmit(request)}
          disabled={preview.kind !== 'ready' || unchanged}
        >
          Apply Sidecar egress
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </Box>
    </Box>
  );
}
