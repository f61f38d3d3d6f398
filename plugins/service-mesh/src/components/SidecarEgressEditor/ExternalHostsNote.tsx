import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { stringify } from 'yaml';

/** The host part of `*\/api.stripe.com`. */
function dnsName(host: string): string {
  return host.slice(host.indexOf('/') + 1);
}

/**
 * A ServiceEntry declaring external hosts for the namespace, as a starting
 * point: HTTPS on 443, resolved by DNS, visible to this namespace only.
 */
export function serviceEntryYaml(hosts: string[], namespace: string): string {
  return stringify(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'external-hosts', namespace },
      spec: {
        hosts: hosts.map(dnsName),
        exportTo: ['.'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
      },
    },
    { lineWidth: 0 },
  );
}

/**
 * Says that hosts outside the cluster need a ServiceEntry too: a Sidecar
 * only narrows what the mesh already knows, and the mesh knows an external
 * host only once a ServiceEntry declares it (with outboundTrafficPolicy
 * REGISTRY_ONLY, calls to it fail until then).
 */
export function ExternalHostsNote(props: {
  hosts: string[];
  namespace: string;
}) {
  const { hosts, namespace } = props;
  return (
    <Box mt={2}>
      <Alert severity="info">
        <Typography variant="body2">
          {hosts.join(', ')} {hosts.length === 1 ? 'is' : 'are'} outside the
          cluster. A Sidecar only narrows what the mesh knows; the mesh knows an
          external host once a ServiceEntry declares it. This ServiceEntry
          declares {hosts.length === 1 ? 'it' : 'them'} for {namespace}; apply
          it with your usual deployment (the Sidecar egress does not create it):
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
          {serviceEntryYaml(hosts, namespace)}
        </Box>
      </Alert>
    </Box>
  );
}
