import { useCallback } from 'react';
import {
  InfoCard,
  Link,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  isActiveUpgradePhase,
  type ControlPlaneInfo,
  type MeshClusterOverview,
  type MeshNamespaceOverview,
  type UpgradeSummary,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import { useLiveData } from '../../hooks/useLiveData';
import { useUpgradePermissions } from '../../hooks/useUpgradePermissions';
import { UPGRADES_CHANNEL } from '@mesh-backstage/plugin-service-mesh-common';
import { phaseText } from '../../lib/upgrades';
import { clusterProblem, controlPlaneName } from '../../lib/meshSummary';
import { staleClusterText } from '../../lib/dataAge';
import { newUpgradeRouteRef, upgradeRouteRef } from '../../routes';
import { ControlPlaneRevisions } from '../ControlPlaneRevisions';
import { LiveIndicator } from '../LiveIndicator';
import { NamespacesTable, namespaceRevision } from '../NamespacesTable';
import { RevisionBarChart, type BarDatum } from '../RevisionBarChart';
import { StatusText } from '../StatusText';

function countBy(
  namespaces: MeshNamespaceOverview[],
  count: (ns: MeshNamespaceOverview) => { label: string; value: number }[],
): BarDatum[] {
  const totals = new Map<string, number>();
  for (const ns of namespaces) {
    for (const { label, value } of count(ns)) {
      totals.set(label, (totals.get(label) ?? 0) + value);
    }
  }
  return [...totals.entries()]
    .map(([label, value]) => ({ label, value }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

function ControlPlaneSection(props: {
  controlPlane: ControlPlaneInfo;
  namespaces: MeshNamespaceOverview[];
}) {
  const { controlPlane, namespaces } = props;
  const name = controlPlaneName(controlPlane);
  const podsPerRevision = countBy(namespaces, ns => [
    ...ns.proxies.map(p => ({ label: p.revision, value: p.pods })),
    ...(ns.podsWithoutSidecar > 0
      ? [{ label: 'no sidecar', value: ns.podsWithoutSidecar }]
      : []),
  ]);
  const namespacesPerRevision = countBy(namespaces, ns => [
    { label: namespaceRevision(ns), value: 1 },
  ]);
  return (
    <Box mt={2}>
      <ControlPlaneRevisions controlPlane={controlPlane} />
      <Grid container spacing={2}>
        <Grid item xs={12} md={6}>
          <RevisionBarChart
            title={`Pods per revision, ${name}`}
            unit="pods"
            data={podsPerRevision}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <RevisionBarChart
            title={`Namespaces per revision, ${name}`}
            unit="namespaces"
            data={namespacesPerRevision}
          />
        </Grid>
      </Grid>
      <NamespacesTable
        title={`Namespaces of ${name}`}
        namespaces={namespaces}
      />
    </Box>
  );
}

function ClusterCard({ cluster }: { cluster: MeshClusterOverview }) {
  const problem = clusterProblem(cluster);
  const stale = staleClusterText(cluster);
  const served = (cp: ControlPlaneInfo) =>
    cluster.namespaces.filter(
      ns =>
        ns.controlPlane?.namespace === cp.namespace &&
        (ns.controlPlane?.name ?? '') === (cp.name ?? ''),
    );
  const unserved = cluster.namespaces.filter(ns => !ns.controlPlane);
  return (
    <InfoCard title={`Cluster ${cluster.name}`}>
      {problem && (
        <Alert severity={cluster.reachable ? 'warning' : 'error'}>
          {problem}
        </Alert>
      )}
      {stale && <Alert severity="warning">{stale}</Alert>}
      {cluster.controlPlanes.length === 0 && !problem && (
        <Typography variant="body2">
          No control plane on this cluster.
        </Typography>
      )}
      {cluster.controlPlanes.map(cp => (
        <ControlPlaneSection
          key={`${cp.namespace}/${cp.name ?? ''}`}
          controlPlane={cp}
          namespaces={served(cp)}
        />
      ))}
      {unserved.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle1">
            Namespaces no control plane serves
          </Typography>
          <NamespacesTable
            title={`Namespaces of ${cluster.name} outside the mesh`}
            namespaces={unserved}
          />
        </Box>
      )}
    </InfoCard>
  );
}

function UpgradesTable({ upgrades }: { upgrades: UpgradeSummary[] }) {
  const upgradeLink = useRouteRef(upgradeRouteRef);
  const running = upgrades.filter(u => isActiveUpgradePhase(u.phase));
  return (
    <InfoCard title="Control-plane upgrades">
      {running.length === 0 && (
        <Typography variant="body2">No upgrade is running.</Typography>
      )}
      {upgrades.length > 0 && (
        <Table size="small" aria-label="Upgrades">
          <TableHead>
            <TableRow>
              <TableCell>Upgrade</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Batches passed</TableCell>
              <TableCell>Started by</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {upgrades.slice(0, 10).map(u => {
              const phase = phaseText(u.phase);
              const label = `${u.cluster} ${u.controlPlane.namespace}: ${u.fromRevision} → ${u.targetRevision}`;
              return (
                <TableRow key={u.id}>
                  <TableCell component="th" scope="row">
                    {upgradeLink ? (
                      <Link to={upgradeLink({ upgradeId: u.id })}>{label}</Link>
                    ) : (
                      label
                    )}
                  </TableCell>
                  <TableCell>
                    <StatusText status={phase.status}>{phase.text}</StatusText>
                  </TableCell>
                  <TableCell>
                    {u.progress.batchesPassed} of {u.progress.batches}
                  </TableCell>
                  <TableCell>{u.createdBy}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** The platform page: the mesh across clusters, and its upgrades. */
export function MeshOverviewPage() {
  const api = useApi(serviceMeshApiRef);
  const permissions = useUpgradePermissions();
  const newUpgradeLink = useRouteRef(newUpgradeRouteRef);
  const load = useCallback(
    () => Promise.all([api.getMeshOverview(), api.listUpgrades()]),
    [api],
  );
  const { value, error, loading, connection } = useLiveData(
    UPGRADES_CHANNEL,
    load,
  );
  if (loading) return <Progress />;
  if (!value) {
    return <ResponseErrorPanel error={error ?? new Error('No answer')} />;
  }
  const [overview, upgrades] = value;
  const { create } = permissions;
  return (
    <Grid container spacing={3} direction="column">
      <Grid item>
        <Box display="flex" alignItems="center" style={{ gap: 16 }}>
          <LinkButton
            variant="contained"
            color="primary"
            disabled={!create.allowed || !newUpgradeLink}
            to={newUpgradeLink?.() ?? ''}
          >
            Start an upgrade
          </LinkButton>
          {create.reason && (
            <Typography variant="body2">{create.reason}</Typography>
          )}
          <LiveIndicator connection={connection} />
        </Box>
      </Grid>
      <Grid item>
        <UpgradesTable upgrades={upgrades.items} />
      </Grid>
      {overview.clusters.map(cluster => (
        <Grid item key={cluster.name}>
          <ClusterCard cluster={cluster} />
        </Grid>
      ))}
    </Grid>
  );
}
