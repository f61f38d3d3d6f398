import { ReactNode, useState } from 'react';
import { StatusText } from '../StatusText';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import {
  FollowedChangeState,
  useFollowedChange,
} from '../../hooks/useFollowedChange';
import {
  MeshPermissions,
  useMeshPermissions,
} from '../../hooks/useMeshPermissions';
import { useMeshStatus } from '../../hooks/useMeshStatus';
import { withRestartOffer } from '../../lib/meshActions';
import { nextStep } from '../../lib/nextStep';
import { staleClusterText, staleDataText } from '../../lib/dataAge';
import {
  clusterProblem,
  controlPlaneName,
  MeshSummary,
  revisionLabel,
  summarizeStatus,
  verdictDisplay,
} from '../../lib/meshSummary';
import { ActionButton } from '../ActionButton';
import { ActionDialog, MeshActionIntent } from '../ActionDialog';
import { LiveIndicator } from '../LiveIndicator';
import { RolloutProgress } from '../RolloutProgress';
import { UpgradeBanner } from '../UpgradeBanner';

function Verdict({ summary }: { summary: MeshSummary }) {
  const { status, text } = verdictDisplay(summary);
  return <StatusText status={status}>{text}</StatusText>;
}

function WarningsLine({ summary }: { summary: MeshSummary }) {
  const [worst] = summary.warnings;
  if (!worst) {
    return <Typography variant="body2">No warnings</Typography>;
  }
  const count = summary.warnings.length;
  return (
    <Typography variant="body2">
      {`${count} ${count === 1 ? 'finding' : 'findings'}; worst (${
        worst.severity
      }, ${worst.code}): ${worst.message}`}
    </Typography>
  );
}

const REASON_ID = 'service-mesh-card-reason';

/** The one action the card leads with, or the rollout it started. */
function NextStepLine(props: {
  status: EntityMeshStatus;
  permissions: MeshPermissions;
  followed: FollowedChangeState;
  onAction: (intent: MeshActionIntent) => void;
}) {
  const { status, permissions, followed, onAction } = props;
  const step = nextStep(status);
  const inProgress = Boolean(
    followed.progress && !followed.progress.settled && !followed.timedOut,
  );
  const permission = step && permissions.actions[step.intent.action];
  return (
    <>
      <RolloutProgress followed={followed} />
      {step && permission && !inProgress && (
        <Box mt={1}>
          <Typography variant="body2" color="textSecondary">
            Next step: {step.reason}
          </Typography>
          {permission.reason && (
            <Typography variant="body2" color="textSecondary" id={REASON_ID}>
              {permission.reason}
            </Typography>
          )}
          <Box mt={1}>
            <ActionButton
              variant="contained"
              permission={permission}
              reasonId={REASON_ID}
              onClick={() =>
                onAction(
                  // Enrolling reaches running pods only when they restart:
                  // the confirmation offers that restart too.
                  withRestartOffer(
                    step.intent,
                    step.namespace,
                    permissions.actions.restart,
                  ),
                )
              }
            >
              {step.label}
            </ActionButton>
          </Box>
        </Box>
      )}
    </>
  );
}

function CardBody(props: {
  status: EntityMeshStatus;
  nextStepLine: ReactNode;
}) {
  const { status, nextStepLine } = props;
  const summary = summarizeStatus(status);
  const { links } = summary;
  const addons = [
    { name: 'Kiali', href: links.kiali },
    { name: 'Jaeger', href: links.jaeger },
    { name: 'Grafana', href: links.grafana },
    { name: 'Servicegraph', href: links.servicegraph },
  ].filter((l): l is { name: string; href: string } => Boolean(l.href));

  return (
    <>
      <Typography variant="h6" component="p">
        <Verdict summary={summary} />
      </Typography>
      {nextStepLine}
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

/**
 * The overview card: the entity's mesh verdict at a glance, led by the one
 * next step, and following an applied step live until it settles.
 */
export function ServiceMeshCard() {
  const { entity } = useEntity();
  const { status, error, loading, connection, refresh } = useMeshStatus(entity);
  const permissions = useMeshPermissions(entity);
  const followed = useFollowedChange(status, refresh, connection);
  const [intent, setIntent] = useState<MeshActionIntent>();
  const entityLink = useEntityRefLink();

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
    body = (
      <CardBody
        status={status}
        nextStepLine={
          <NextStepLine
            status={status}
            permissions={permissions}
            followed={followed}
            onAction={setIntent}
          />
        }
      />
    );
  }
  return (
    // A named region, so the card can be found (and checked) on the overview.
    <Box component="section" aria-label="Service mesh">
      <InfoCard
        title="Service mesh"
        subheader={<LiveIndicator connection={connection} />}
        deepLink={{
          title: 'Open the Service mesh tab',
          link: `${entityLink(entity)}/service-mesh`,
        }}
      >
        {body}
        {intent && (
          <ActionDialog
            entity={entity}
            intent={intent}
            canForce={permissions.force.allowed}
            onClose={() => setIntent(undefined)}
            onApplied={(result, applied) => followed.follow(applied, result)}
          />
        )}
      </InfoCard>
    </Box>
  );
}
