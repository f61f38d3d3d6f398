import { expect } from '@playwright/test';
import { axeViolations, screenshot, signIn, test } from './support';
import {
  breakWorkload,
  healWorkloads,
  openMeshPage,
  pick,
  proxyRevisions,
  select,
} from './meshUpgradesSupport';

/*
 * Journey 2 of a platform engineer on the "Service mesh" page: a version
 * change on the Sail cluster whose canary crash-loops (a demo-cluster
 * fault), so its gate fails and the upgrade pauses with the reason; then a
 * rollback puts the namespace back on the old revision.
 */

test.afterEach(() => healWorkloads('demo-sail'));

test('a platform engineer sees a Sail upgrade pause on a crash-looping canary, and rolls it back', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // customer-api's next pods crash-loop: the canary's restart breaks it.
  breakWorkload('demo-sail', {
    namespace: 'customers',
    name: 'customer-api',
    mode: 'crashLoop',
  });
  const before = proxyRevisions('demo-sail', ['customers']);
  expect(before.length).toBeGreaterThan(0);

  await signIn(page);
  await openMeshPage(page);
  await page.getByRole('button', { name: 'Start an upgrade' }).click();
  await select(page, 'Cluster', 'demo-sail');
  await select(page, 'From revision', 'default-v1-24-3');
  await page.locator('#upgrade-target-version').fill('v1.25.2');
  await pick(page, 'Canary namespaces (go first)', ['customers']);
  await page.locator('#upgrade-readinessDeadlineSeconds').fill('15');

  // The demo's OpenShift has no istio-cni NetworkAttachmentDefinitions:
  // that precheck blocks until overridden.
  await page.getByRole('button', { name: 'Plan (dry run)' }).click();
  const overrides = page.getByRole('checkbox', { name: /^Override / });
  await expect(overrides.first()).toBeVisible();
  for (const override of await overrides.all()) await override.check();
  await page.getByRole('button', { name: 'Plan (dry run)' }).click();
  const batches = page.getByRole('table', { name: 'Planned batches' });
  await expect(batches).toContainText('1 (canary)');
  await expect(batches).toContainText('customers');
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Start upgrade' }).click();
  await expect(page).toHaveURL(/\/service-mesh\/upgrades\/[0-9a-f-]{36}$/);
  await expect(page.getByText('live', { exact: true })).toBeVisible();

  // The canary's gate fails at its deadline: paused, with the reason in
  // words and the pods concerned.
  await expect(page.getByText('State: Paused')).toBeVisible({
    timeout: 90_000,
  });
  const gate = page.getByRole('alert').filter({ hasText: 'failed its gate' });
  await expect(gate).toContainText(
    /customers\/customer-api: .*not Ready after \d+ s \(CrashLoopBackOff\)/,
  );
  await expect
    .soft(gate.getByRole('list', { name: 'Pods concerned in customers' }))
    .toContainText(/customer-api-[a-z0-9]+-[a-z0-9]+/);
  await expect(page.getByRole('table', { name: 'Batches' })).toContainText(
    'customers: failed',
  );
  await expect(page.getByRole('button', { name: 'Resume' })).toBeDisabled();
  await screenshot(page, 'upgrade-paused');
  expect(await axeViolations(page)).toEqual([]);

  // The cause is fixed, and the engineer rolls back rather than go on.
  healWorkloads('demo-sail');
  await page.getByRole('button', { name: 'Roll back', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(
    'get their previous labels back and their workloads are restarted onto default-v1-24-3',
  );
  await dialog.getByRole('button', { name: 'Roll back' }).click();
  await expect(page.getByText('State: Rolled back')).toBeVisible({
    timeout: 90_000,
  });
  await expect(
    page.getByRole('table', { name: 'Rollback batches' }),
  ).toContainText('customers: migrated');

  // The namespace is on the old revision again: on the page and by kubectl.
  const pods = page.getByRole('progressbar', {
    name: /pods on default-v1-24-3$/,
  });
  await expect(pods).toHaveAttribute('aria-valuenow', '100');
  const after = proxyRevisions('demo-sail', ['customers']);
  expect(after.length).toBeGreaterThan(0);
  expect(after.filter(p => !p.endsWith(': default-v1-24-3'))).toEqual([]);
});
