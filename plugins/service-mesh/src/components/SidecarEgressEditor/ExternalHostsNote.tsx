import { useState } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  dnsNameOf,
  externalServiceEntry,
  MESH_ACTION_LABELS,
  SERVICE_ENTRY_PORTS,
  type ServiceEntryProtocol,
  type ServiceEntryRequest,
} from '@mesh-backstage/plugin-service-mesh-common';
import { stringify } from 'yaml';
import type { ActionPermission } from '../../hooks/useMeshPermissions';
import { ActionButton } from '../ActionButton';

const PROTOCOLS = Object.values(SERVICE_ENTRY_PORTS);

export interface ExternalHostsNoteProps {
  /** The editor's external egress hosts, such as `*\/api.stripe.com`. */
  hosts: string[];
  cluster: string;
  namespace: string;
  permission: ActionPermission;
  /** Opens the confirmation for the ServiceEntry (the action dialog). */
  onCreate: (request: ServiceEntryRequest) => void;
}

/**
 * Says that hosts outside the cluster need a ServiceEntry too: a Sidecar
 * only narrows what the mesh already knows, and the mesh knows an external
 * host only once a ServiceEntry declares it (with outboundTrafficPolicy
 * REGISTRY_ONLY, calls to it fail until then). Shows the ServiceEntry, to
 * copy or to create here through the usual confirmation.
 */
export function ExternalHostsNote(props: ExternalHostsNoteProps) {
  const { hosts, cluster, namespace, permission, onCreate } = props;
  const [protocol, setProtocol] = useState<ServiceEntryProtocol>('TLS');
  const request: ServiceEntryRequest = {
    cluster,
    namespace,
    hosts: [...new Set(hosts.map(dnsNameOf))],
    protocol,
  };
  const denied = !permission.loading && !permission.allowed;
  const reasonId = `service-mesh-service-entry-reason-${cluster}-${namespace}`;
  return (
    <Box mt={2}>
      <Alert severity="info">
        <Typography variant="body2">
          {hosts.join(', ')} {hosts.length === 1 ? 'is' : 'are'} outside the
          cluster. A Sidecar only narrows what the mesh knows; the mesh knows an
          external host once a ServiceEntry declares it. This ServiceEntry
          declares {hosts.length === 1 ? 'it' : 'them'} for {namespace} only;
          create it here, or apply it with your usual deployment (the Sidecar
          egress does not create it):
        </Typography>
        <Box
          component="pre"
          aria-label="ServiceEntry for the external hosts"
          style={{
            fontFamily: 'monospace',
            whiteSpace: 'pre',
            overflowX: 'auto',
          }}
        >
          {stringify(externalServiceEntry(request), { lineWidth: 0 })}
        </Box>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <TextField
            select
            id={`service-mesh-service-entry-port-${cluster}-${namespace}`}
            label="Port"
            value={protocol}
            onChange={e => setProtocol(e.target.value as ServiceEntryProtocol)}
            SelectProps={{ native: true }}
            // The Alert's own text colour: the default grey label falls
            // short of 4.5:1 on the info Alert's tint (axe color-contrast).
            InputLabelProps={{ shrink: true, style: { color: 'inherit' } }}
            variant="outlined"
            size="small"
          >
            {PROTOCOLS.map(port => (
              <option key={port.protocol} value={port.protocol}>
                {port.protocol} on {port.number}
              </option>
            ))}
          </TextField>
          <ActionButton
            permission={permission}
            reasonId={reasonId}
            size="small"
            onClick={() => onCreate(request)}
          >
            {MESH_ACTION_LABELS.serviceEntry}
          </ActionButton>
        </Box>
        {denied && (
          <Typography variant="body2" id={reasonId}>
            {permission.reason}
          </Typography>
        )}
      </Alert>
    </Box>
  );
}
