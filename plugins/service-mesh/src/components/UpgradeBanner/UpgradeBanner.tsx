import { useCallback } from 'react';
import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import {
  isActiveUpgradePhase,
  type EntityMeshStatus,
  type UpgradeDetails,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef, type ServiceMeshApi } from '../../api';
import { useLiveData } from '../../hooks/useLiveData';
import { formatAge } from '../../lib/dataAge';
import { UPGRADES_CHANNEL } from '@mesh-backstage/plugin-service-mesh-common';
import {
  namespaceInUpgrade,
  namespaceStatusText,
  type NamespaceInUpgrade,
} from '../../lib/upgrades';
import { upgradeRouteRef } from '../../routes';

/** Ended upgrades are mentioned for this long after they finish. */
export const RECENT_UPGRADE_MS = 24 * 60 * 60 * 1000;

/** At most this many upgrades are read in full per entity. */
const MAX_UPGRADES = 3;

interface Touch {
  upgrade: UpgradeDetails;
  namespaces: NamespaceInUpgrade[];
}

/**
 * The upgrades that touch the entity's namespaces: the list (filtered by
 * cluster), then the details of the few that are running or ended lately.
 */
async function upgradesTouching(
  api: ServiceMeshApi,
  status: EntityMeshStatus,
  now: number,
): Promise<Touch[]> {
  const namespacesByCluster = new Map(
    status.clusters.map(c => [c.name, c.namespaces.map(n => n.name)]),
  );
  const lists = await Promise.all(
    [...namespacesByCluster.keys()].map(cluster =>
      api.listUpgrades({ cluster }),
    ),
  );
  const candidates = lists
    .flatMap(l => l.items)
    .filter(
      u =>
        isActiveUpgradePhase(u.phase) ||
        (u.finishedAt && now - Date.parse(u.finishedAt) < RECENT_UPGRADE_MS),
    )
    .slice(0, MAX_UPGRADES);
  const details = await Promise.all(candidates.map(u => api.getUpgrade(u.id)));
  return details
    .map(upgrade => ({
      upgrade,
      namespaces: (namespacesByCluster.get(upgrade.cluster) ?? [])
        .map(ns => namespaceInUpgrade(upgrade, ns))
        .filter((n): n is NamespaceInUpgrade => Boolean(n)),
    }))
    .filter(t => t.namespaces.length > 0);
}

export function bannerText(touch: Touch, now: number = Date.now()): string {
  const { upgrade, namespaces } = touch;
  const parts = namespaces.map(n => {
    if (n.status === 'done' && n.finishedAt) {
      return `${n.namespace} migrated ${formatAge(
        now - Date.parse(n.finishedAt),
      )}`;
    }
    return `${n.namespace} is in batch ${n.batch} of ${n.batches} (${
      namespaceStatusText(n.status).text
    })`;
  });
  const subject =
    namespaces.length === 1 ? 'your namespace' : 'your namespaces:';
  const ended = isActiveUpgradePhase(upgrade.phase)
    ? ''
    : ` (${upgrade.phase})`;
  return `Mesh upgrade to ${
    upgrade.targetRevision
  }${ended}: ${subject} ${parts.join('; ')}`;
}

/**
 * On the entity's card and tab: which running or recent control-plane
 * upgrade touches the entity's namespaces, linked to the upgrade's page.
 * Shows nothing to people who may not read upgrades.
 */
export function UpgradeBanner({ status }: { status: EntityMeshStatus }) {
  const api = useApi(serviceMeshApiRef);
  const upgradeLink = useRouteRef(upgradeRouteRef);
  const load = useCallback(
    () => upgradesTouching(api, status, Date.now()),
    [api, status],
  );
  const { value } = useLiveData(UPGRADES_CHANNEL, load);
  if (!value || value.length === 0) return null;
  return (
    <Box mt={1}>
      {value.map(touch => (
        <Alert severity="info" key={touch.upgrade.id}>
          {bannerText(touch)}
          {upgradeLink && (
            <>
              {' '}
              <Link
                to={upgradeLink({ upgradeId: touch.upgrade.id })}
                underline="always"
              >
                See the upgrade
              </Link>
            </>
          )}
        </Alert>
      ))}
    </Box>
  );
}
