import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The "Service mesh" platform page. */
export const meshPageRouteRef = createRouteRef();

/** The wizard that plans and starts an upgrade. */
export const newUpgradeRouteRef = createSubRouteRef({
  parent: meshPageRouteRef,
  path: '/upgrades/new',
});

/** One upgrade's page. */
export const upgradeRouteRef = createSubRouteRef({
  parent: meshPageRouteRef,
  path: '/upgrades/:upgradeId',
});
