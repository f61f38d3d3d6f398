import { StatusText } from '../StatusText';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { useMeshStatus } from '../../hooks/useMeshStatus';
import { staleClusterText, staleDataText } from '../../lib/dataAge';
import {
  clusterProblem,
  controlPlaneName,
  MeshSummary,
  revisionLabel,
  summarizeStatus,
} from '../../lib/meshSummary';
import { UpgradeBanner } from '../UpgradeBanner';

function Verdict({ summary }: { summary: MeshSummary }) {
  switch (summary.verdict) {
    case 'inMesh':
      return <StatusText status="ok">In mesh</StatusText>;
    case 'partlyInMesh':
      return <StatusText status="warning">Partly in mesh</StatusText>;
    case 'notInMesh':
      return <StatusText status="aborted">Not in mesh</StatusText>;
    default:
      return <StatusText status="pending">Mesh status unknown</StatusText>;
  }
}

function WarningsLine({ summary }: { summary: MeshSummary }) {
  const [worst] = summary.warnings;
  if (!worst) {
    return <Typography variant="body2">No warnings</Typography>;
  }
  const count = summary.warnings.length;
  return (
    <Typography variant="body2">
      {count} {count === 1 ? 'warning' : 'warnings'}; worst: {worst.code} (
      {worst.severity}) {worst.message}
    </Typography>
  );
}

function CardBody({ status }: { status: EntityMeshStatus }) {
  const summary = summarizeStatus(status);
  const { links } = summary;
  const addons = [
    { name: 'Kiali', href: links.kiali },
    { name: 'Jaeger', href: links.jaeger },
    { name: 'Grafana', href: links.grafana },
  ].filter((l): l is { name: string; href: string } => Boolean(l.href));

  return (
    <>
      <Typography variant="h6" component="p">
        <Verdict summary={summary} />
      </Typography>
      {summary.serving.map(s => (
        <Typography
          variant="body2"
          key={`${s.controlPlane.namespace}/${s.revision}/${s.tag}`}
        >
          {controlPlaneName(s.controlPlane)}, revision {revisionLabel(s)}
        </Typography>
      ))}
      <Typography variant="body2">
        {summary.workloadsWithSidecar} of {summary.workloads} workloads with
        sidecar
      </Typography>
      {summary.workloadsNeedingRestart > 0 && (
        <Typography variant="body2">
          <StatusText status="warning">
            {summary.workloadsNeedingRestart} of {summary.workloads} workloads
            need a restart to pick up the current proxy
          </StatusText>
        </Typography>
      )}
      <WarningsLine summary={summary} />
      <UpgradeBanner status={status} />
      {status.clusters.map(cluster => {
        const problem = clusterProblem(cluster);
        const age = staleDataText(cluster.dataAsOf);
        const stale = staleClusterText(cluster);
        return (
          <Box key={cluster.name} mt={1}>
            {problem && (
              <Alert severity={cluster.reachable ? 'warning' : 'error'}>
                {problem}
              </Alert>
            )}
            {stale && <Alert severity="warning">{stale}</Alert>}
            {!problem && !stale && age && (
              <Typography variant="caption" color="textSecondary">
                Cluster {cluster.name}: {age}
              </Typography>
            )}
          </Box>
        );
      })}
      {addons.length > 0 && (
        <Box mt={2} display="flex" style={{ gap: 8 }}>
          {addons.map(addon => (
            <Button
              key={addon.name}
              variant="outlined"
              size="small"
              href={addon.href}
              target="_blank"
              rel="noopener noreferrer"
            >
              {addon.name}
            </Button>
          ))}
        </Box>
      )}
    </>
  );
}

/** The overview card: the entity's mesh verdict at a glance. */
export function ServiceMeshCard() {
  const { entity } = useEntity();
  const { status, error, loading } = useMeshStatus(entity);

  let body;
  if (loading) {
    body = <Progress />;
  } else if (!status) {
    body = <ResponseErrorPanel error={error ?? new Error('No status')} />;
  } else if (status.clusters.length === 0) {
    body = (
      <Typography variant="body2">
        No configured cluster runs this entity.
      </Typography>
    );
  } else {
    body = <CardBody status={status} />;
  }
  return <InfoCard title="Service mesh">{body}</InfoCard>;
}
