import { expect } from '@playwright/test';
import { axeViolations, MESH_TAB, screenshot, signIn, test } from './support';
import {
  openMeshPage,
  pick,
  proxyRevisions,
  relabelAndRestart,
  select,
} from './meshUpgradesSupport';

/*
 * Journey 1 of a platform engineer on the "Service mesh" page, against the
 * demo clusters the test command starts with the app (fresh for every run),
 * with a developer of checkout-service seeing the upgrade's banner on the
 * entity's tab while it waits for promotion (issue 11's journey 3, here to
 * spare CI a journey of its own); the Sail rollback is in
 * meshUpgrades.sail.test.ts.
 * Set README_SCREENSHOTS=1 to refresh the screenshots in docs/images.
 */

test('a platform engineer upgrades demo-istio-revisions by canary, promotes it and watches it succeed', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page);
  await openMeshPage(page);
  // One cluster's card: revisions, tags, charts and namespaces.
  await screenshot(
    page,
    'mesh-page',
    page
      .locator('.MuiCard-root')
      .filter({ hasText: 'Cluster demo-istio-revisions' })
      .first(),
  );
  expect(await axeViolations(page)).toEqual([]);

  // checkout is pinned to 1-24-3 by name in the demo (its team adopted it
  // early), so an upgrade from 1-23-1 has nothing to move there and
  // checkout-service's banner would rightly stay hidden. For the developer's
  // part of the journey (issue 11's journey 3) the team first joins the
  // stable channel, as teams do: tag prod-stable (→ 1-23-1) and a restart.
  // The upgrade then moves checkout with that tag, after the canary.
  relabelAndRestart('demo-istio-revisions', 'checkout', {
    'istio.io/rev': 'prod-stable',
  });

  // The wizard: 1-23-1 → 1-24-3 with catalog as the canary, one namespace
  // per batch, a pause for promotion after the canary, and the tags moved.
  await page.getByRole('button', { name: 'Start an upgrade' }).click();
  await select(page, 'Cluster', 'demo-istio-revisions');
  await select(page, 'From revision', '1-23-1');
  await select(page, 'Target revision', '1-24-3');
  await pick(page, 'Canary namespaces (go first)', ['catalog']);
  await page.locator('#upgrade-batchSize').fill('1');
  await page.locator('#upgrade-readinessDeadlineSeconds').fill('120');
  await expect(
    page.getByLabel('Pause after the canary for promotion'),
  ).toBeChecked();
  await pick(page, 'Tags to move at the end', ['prod-stable', 'default']);
  // The plan is made from checkout's new pods, on 1-23-1.
  await expect
    .poll(() => proxyRevisions('demo-istio-revisions', ['checkout']))
    .toEqual([
      expect.stringMatching(/: 1-23-1$/),
      expect.stringMatching(/: 1-23-1$/),
    ]);

  // The dry run: search carries both injection labels (IST0123), which
  // blocks until overridden; nothing is written before Start.
  await page.getByRole('button', { name: 'Plan (dry run)' }).click();
  await expect(
    page.getByText(/conflictingLabels blocks the upgrade/),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Start upgrade' }),
  ).toBeDisabled();
  const overrides = page.getByRole('checkbox', { name: /^Override / });
  for (const override of await overrides.all()) await override.check();
  await page.getByRole('button', { name: 'Plan (dry run)' }).click();
  const batches = page.getByRole('table', { name: 'Planned batches' });
  await expect(batches).toContainText('1 (canary)');
  await expect(batches).toContainText('catalog');
  await expect(batches).toContainText('checkout');
  await expect(
    page.getByRole('table', { name: 'Namespace changes' }),
  ).toContainText('istio.io/rev=1-24-3');
  await screenshot(page, 'upgrade-plan');
  expect(await axeViolations(page)).toEqual([]);
  const namespaces = ['catalog', 'checkout', 'search'];
  const before = proxyRevisions('demo-istio-revisions', namespaces);
  expect(before.filter(p => p.endsWith(': 1-23-1')).length).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Start upgrade' }).click();
  await expect(page).toHaveURL(/\/service-mesh\/upgrades\/[0-9a-f-]{36}$/);
  const upgradeUrl = page.url();
  // A marker that a reload would lose: every change below arrives live.
  await page.evaluate(() => {
    (window as any).meshJourneyMarker = true;
  });
  await expect(page.getByText('live', { exact: true })).toBeVisible();

  // The canary batch passes, then the upgrade waits for promotion.
  await expect(page.getByText('State: Waiting for promotion')).toBeVisible({
    timeout: 120_000,
  });
  const upgradeBatches = page.getByRole('table', { name: 'Batches' });
  await expect(upgradeBatches).toContainText('catalog: migrated');
  await expect(upgradeBatches).toContainText('checkout: waiting');
  await expect(upgradeBatches).toContainText('search: waiting');
  await expect(
    page.getByRole('progressbar', { name: /^1 of 3 namespaces on 1-24-3$/ }),
  ).toBeVisible();

  // Meanwhile, in a second tab, a developer of checkout-service: the tab
  // says which batch checkout is in, and leads to the upgrade. Nothing moves
  // before the promotion, so its state is exactly "waiting".
  const developer = await page.context().newPage();
  await developer.goto(
    '/catalog/default/component/checkout-service/service-mesh',
  );
  const banner = developer
    .getByRole('alert')
    .filter({ hasText: 'Mesh upgrade to' });
  await expect(banner).toContainText(
    'Mesh upgrade to 1-24-3: your namespace checkout is in batch 2 of 3 (waiting)',
  );
  await screenshot(
    developer,
    'upgrade-banner',
    developer.locator(`${MESH_TAB} > .MuiGrid-item`).first(),
  );
  expect(await axeViolations(developer, MESH_TAB)).toEqual([]);
  await banner.getByRole('link', { name: 'See the upgrade' }).click();
  await expect(developer).toHaveURL(upgradeUrl);
  await expect(
    developer.getByText('State: Waiting for promotion'),
  ).toBeVisible();
  await developer.close();

  await page.getByRole('button', { name: 'Promote', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('remaining');
  await dialog.getByRole('button', { name: 'Promote' }).click();

  await expect(page.getByText('State: Succeeded')).toBeVisible({
    timeout: 180_000,
  });
  await expect(upgradeBatches).toContainText('checkout: migrated');
  await expect(upgradeBatches).toContainText('search: migrated');
  await expect(
    page.getByRole('progressbar', { name: /^3 of 3 namespaces on 1-24-3$/ }),
  ).toBeVisible();
  const pods = page.getByRole('progressbar', { name: /pods on 1-24-3$/ });
  await expect(pods).toHaveAttribute('aria-valuenow', '100');
  expect(await page.evaluate(() => (window as any).meshJourneyMarker)).toBe(
    true,
  );

  // Every running pod is on the new revision, as kubectl sees it too.
  const after = proxyRevisions('demo-istio-revisions', namespaces);
  expect(after.length).toBeGreaterThan(0);
  expect(after.filter(p => !p.endsWith(': 1-24-3'))).toEqual([]);
});
