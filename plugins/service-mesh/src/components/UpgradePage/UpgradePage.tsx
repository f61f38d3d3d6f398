import { useCallback } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  UpgradeBatch,
  UpgradeDetails,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import { useLiveData } from '../../hooks/useLiveData';
import { useUpgradePermissions } from '../../hooks/useUpgradePermissions';
import { upgradeChannel } from '@mesh-backstage/plugin-service-mesh-common';
import {
  currentBatches,
  failedBatch,
  phaseText,
  upgradeProgress,
} from '../../lib/upgrades';
import { LiveIndicator } from '../LiveIndicator';
import { StatusText } from '../StatusText';
import { UpgradeBatches } from './UpgradeBatches';
import { UpgradeEvents } from './UpgradeEvents';
import { UpgradeOperations } from './UpgradeOperations';

function ProgressLine(props: { label: string; done: number; total: number }) {
  const { label, done, total } = props;
  const percent = total === 0 ? 100 : Math.round((done / total) * 100);
  const text = `${done} of ${total} ${label}`;
  return (
    <Box mb={1}>
      <Typography variant="body2">{text}</Typography>
      <LinearProgress variant="determinate" value={percent} aria-label={text} />
    </Box>
  );
}

type FailedPodNames = UpgradeBatch['namespaces'][number]['failedPods'];

/** The pods that kept a namespace from its gate, named (the backend bounds the list). */
function FailedPods(props: { namespace: string; pods: FailedPodNames }) {
  const { namespace, pods } = props;
  if (!pods || pods.total === 0) return null;
  const more = pods.total - pods.names.length;
  return (
    <>
      <Typography variant="body2">
        {pods.total === 1 ? 'Pod concerned:' : `${pods.total} pods concerned:`}
      </Typography>
      <ul aria-label={`Pods concerned in ${namespace}`}>
        {pods.names.map(name => (
          <li key={name}>{name}</li>
        ))}
        {more > 0 && <li>and {more} more</li>}
      </ul>
    </>
  );
}

function FailedGate({ upgrade }: { upgrade: UpgradeDetails }) {
  const batch = failedBatch(upgrade);
  if (!batch) return null;
  const failed = batch.namespaces.filter(n => n.status === 'failed');
  return (
    <Alert severity="error">
      <Typography variant="body2">
        Batch {batch.index + 1} failed its gate: {batch.failure}
      </Typography>
      {failed.length > 0 && (
        <ul aria-label="Namespaces that failed the gate">
          {failed.map(ns => (
            <li key={ns.namespace}>
              {ns.namespace}: {ns.reason ?? 'failed'}
              <FailedPods namespace={ns.namespace} pods={ns.failedPods} />
            </li>
          ))}
        </ul>
      )}
      <Typography variant="body2">
        Nothing after it runs until someone retries the batch, skips its failed
        namespaces, aborts or rolls back.
      </Typography>
    </Alert>
  );
}

function Summary({ upgrade }: { upgrade: UpgradeDetails }) {
  const phase = phaseText(upgrade.phase);
  const progress = upgradeProgress(upgrade);
  const target = upgrade.targetVersion
    ? `${upgrade.targetRevision} (${upgrade.targetVersion})`
    : upgrade.targetRevision;
  return (
    <>
      <Typography variant="h6" component="p">
        <StatusText status={phase.status}>State: {phase.text}</StatusText>
      </Typography>
      {upgrade.reason && (
        <Typography variant="body2">{upgrade.reason}</Typography>
      )}
      <Typography variant="body2">
        {upgrade.flavour} control plane in {upgrade.controlPlane.namespace} on{' '}
        {upgrade.cluster}: {upgrade.fromRevision} → {target}. Started by{' '}
        {upgrade.createdBy} at {new Date(upgrade.createdAt).toLocaleString()}.
      </Typography>
      <Box mt={2}>
        <ProgressLine
          label={`namespaces on ${progress.towards}`}
          done={progress.namespacesDone}
          total={progress.namespaces}
        />
        {progress.pods !== undefined && (
          <ProgressLine
            label={`pods on ${progress.towards}`}
            done={progress.podsOnTarget ?? 0}
            total={progress.pods}
          />
        )}
        <Typography variant="body2">
          {upgrade.progress.batchesPassed} of {upgrade.progress.batches} batches
          passed
        </Typography>
      </Box>
    </>
  );
}

/**
 * One upgrade, live: every signal on its channel reloads the whole state
 * (upgrade and events), and so does coming back online.
 */
export function UpgradePage({ upgradeId }: { upgradeId: string }) {
  const api = useApi(serviceMeshApiRef);
  const { operate } = useUpgradePermissions();
  const load = useCallback(
    () =>
      Promise.all([api.getUpgrade(upgradeId), api.getUpgradeEvents(upgradeId)]),
    [api, upgradeId],
  );
  const { value, error, loading, connection, reload } = useLiveData(
    upgradeChannel(upgradeId),
    load,
  );
  if (loading) return <Progress />;
  if (!value) {
    return <ResponseErrorPanel error={error ?? new Error('No answer')} />;
  }
  const [upgrade, events] = value;
  const batches = currentBatches(upgrade);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={8}>
        <InfoCard
          title={`Upgrade to ${upgrade.targetRevision}`}
          subheader={<LiveIndicator connection={connection} />}
        >
          <Summary upgrade={upgrade} />
          <Box mt={2}>
            <FailedGate upgrade={upgrade} />
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard title="Operations">
          <UpgradeOperations
            upgrade={upgrade}
            permission={operate}
            onDone={reload}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title={upgrade.rollback ? 'Rollback batches' : 'Batches'}>
          <UpgradeBatches
            title={upgrade.rollback ? 'Rollback batches' : 'Batches'}
            batches={batches}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Event history">
          <UpgradeEvents events={events.items} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
