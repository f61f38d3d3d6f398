import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import type { ClusterMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { useFollowedChange } from '../../hooks/useFollowedChange';
import { useMeshPermissions } from '../../hooks/useMeshPermissions';
import { useMeshStatus } from '../../hooks/useMeshStatus';
import { staleClusterText, staleDataText } from '../../lib/dataAge';
import { clusterProblem } from '../../lib/meshSummary';
import { ActionDialog, MeshActionIntent } from '../ActionDialog';
import { errorMessage } from '../ActionDialog/meshActionIntent';
import { ControlPlaneRevisions } from '../ControlPlaneRevisions';
import { LiveIndicator } from '../LiveIndicator';
import { NamespaceMeshPanel } from '../NamespaceMeshPanel';
import { RolloutProgress } from '../RolloutProgress';
import { UpgradeBanner } from '../UpgradeBanner';

const HEADING_ID = 'service-mesh-tab-heading';

function ClusterHeading({ cluster }: { cluster: ClusterMeshStatus }) {
  const problem = clusterProblem(cluster);
  const age = staleDataText(cluster.dataAsOf);
  const stale = staleClusterText(cluster);
  return (
    <>
      <Typography variant="h5" component="h2">
        Cluster {cluster.name}
        {age && (
          <Typography component="span" variant="body2" color="textSecondary">
            {' '}
            · {age}
          </Typography>
        )}
      </Typography>
      {problem && (
        <Box mt={1}>
          <Alert severity={cluster.reachable ? 'warning' : 'error'}>
            {problem}
          </Alert>
        </Box>
      )}
      {stale && (
        <Box mt={1}>
          <Alert severity="warning">{stale}</Alert>
        </Box>
      )}
    </>
  );
}

/**
 * The entity's "Service mesh" tab: per cluster and namespace, what the mesh
 * does with it, what is wrong, and the actions that change it.
 */
export function ServiceMeshContent() {
  const { entity } = useEntity();
  const { status, error, loading, refreshing, refresh, connection } =
    useMeshStatus(entity);
  const permissions = useMeshPermissions(entity);
  const followed = useFollowedChange(status, refresh, connection);
  const [intent, setIntent] = useState<MeshActionIntent>();

  if (loading) {
    return <Progress />;
  }
  if (!status) {
    return <ResponseErrorPanel error={error ?? new Error('No status')} />;
  }

  return (
    <Grid
      container
      spacing={3}
      direction="column"
      component="section"
      aria-labelledby={HEADING_ID}
    >
      <Grid item>
        <Box display="flex" alignItems="center" style={{ gap: 16 }}>
          <Typography variant="h4" component="h1" id={HEADING_ID}>
            Service mesh
          </Typography>
          <Button
            startIcon={<RefreshIcon />}
            onClick={refresh}
            disabled={refreshing}
          >
            Refresh
          </Button>
          <LiveIndicator connection={connection} />
        </Box>
        <RolloutProgress followed={followed} />
        {error && (
          <Alert severity="warning">
            Could not refresh the status: {errorMessage(error)}. Showing the
            last known state.
          </Alert>
        )}
        <UpgradeBanner status={status} />
      </Grid>
      {status.clusters.length === 0 && (
        <Grid item>
          <EmptyState
            missing="data"
            title="No cluster runs this entity"
            description="No configured cluster has a namespace or workload matching the entity's backstage.io/kubernetes-* annotations."
          />
        </Grid>
      )}
      {status.clusters.map(cluster => (
        <Grid item key={cluster.name}>
          <Box component="section" aria-label={`Cluster ${cluster.name}`}>
            <ClusterHeading cluster={cluster} />
            {cluster.controlPlanes.map(controlPlane => (
              <Box mt={2} key={controlPlane.namespace}>
                <ControlPlaneRevisions controlPlane={controlPlane} />
              </Box>
            ))}
            {cluster.namespaces.map(namespace => (
              <Box mt={3} key={namespace.name}>
                <NamespaceMeshPanel
                  entity={entity}
                  cluster={cluster}
                  namespace={namespace}
                  permissions={permissions}
                  onAction={setIntent}
                />
              </Box>
            ))}
          </Box>
        </Grid>
      ))}
      {intent && (
        <ActionDialog
          entity={entity}
          intent={intent}
          canForce={permissions.force.allowed}
          onClose={() => setIntent(undefined)}
          onApplied={(result, applied) => followed.follow(applied, result)}
        />
      )}
    </Grid>
  );
}
