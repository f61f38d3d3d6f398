import fs from 'node:fs';
import path from 'node:path';
import { expect, Page } from '@playwright/test';
import { axeViolations, screenshot, signIn, test } from './support';

/*
 * The developer's journey of the "Meshed service" Software Template, against
 * the demo clusters the test command starts with the app: the template
 * creates, enrolls and publishes a new service, whose Service mesh card then
 * says it is in the mesh. Set README_SCREENSHOTS=1 to refresh the
 * screenshots in docs/images.
 */

/** Where the demo's publish step writes (gitignored; removed afterwards). */
const GENERATED_DIR = path.resolve(__dirname, '../../../demo-generated');

/** A new name per run, so a second run (or a retry) never meets the first. */
const serviceName = `journey-${Date.now().toString(36)}`;

test.afterAll(() => {
  fs.rmSync(path.join(GENERATED_DIR, serviceName), {
    recursive: true,
    force: true,
  });
});

/** Serious and critical axe findings in the page's content, failing with their list. */
async function expectAccessible(page: Page) {
  expect(await axeViolations(page)).toEqual([]);
}

/** Picks an option of one of the picker's Material UI selects. */
async function choose(page: Page, label: string, option: RegExp) {
  await page.getByRole('button', { name: new RegExp(`^${label}\\b`) }).click();
  await page.getByRole('option', { name: option }).click();
}

test('a developer scaffolds a meshed service that ends in the mesh with its sidecar', async ({
  page,
}) => {
  // The run itself (create to "In mesh") is timed; the app may be slow to
  // answer the first pages while it compiles.
  test.setTimeout(300_000);
  await signIn(page);

  // 1. Create -> "Meshed service".
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: /^Create/ })
    .click();
  const card = page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Meshed service', { exact: true }) });
  await card.getByRole('button', { name: 'Choose' }).click();

  // 2. The service, then the mesh from the live status.
  await page.getByRole('textbox', { name: 'Name' }).fill(serviceName);
  await page.getByRole('textbox', { name: 'Owner' }).fill('guests');
  await page
    .getByRole('option', { name: /guests/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText('Offered from the live mesh status.'),
  ).toBeVisible();

  await choose(page, 'Cluster', /^demo-istio-revisions$/);
  await choose(page, 'Revision or tag', /^1-24-3\b/);
  const changes = page.getByRole('region', { name: 'What will change' });
  await expect(changes).toContainText(
    `Label namespace ${serviceName} istio.io/rev=1-24-3`,
  );
  await expectAccessible(page);
  await screenshot(page, 'meshed-service-form');
  await page.getByRole('button', { name: 'Review' }).click();

  // 3. The review shows what will change.
  const review = page.getByRole('row', { name: /^What will change/ });
  for (const change of [
    `Create namespace ${serviceName} on demo-istio-revisions`,
    `Label namespace ${serviceName} istio.io/rev=1-24-3`,
    `Create Sidecar default in ${serviceName} with egress ./*, istio-system/*`,
    `Register component:default/${serviceName} in the catalog`,
  ]) {
    await expect(
      review.getByRole('listitem').filter({ hasText: change }),
    ).toBeVisible();
  }
  await expectAccessible(page);

  // 4. Run it, timed from here to the card's "In mesh".
  const started = Date.now();
  await page.getByRole('button', { name: 'Create' }).click();
  // The output link once every step is done, or the first failure.
  const open = page.getByRole('link', { name: 'Open in catalog' });
  await expect(open.or(page.getByText(/^Failed|failed:/).first())).toBeVisible({
    timeout: 240_000,
  });
  await expect(open).toBeVisible();
  await screenshot(page, 'meshed-service-run');

  // 5. Open the new component.
  await open.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${serviceName}$`),
  );

  // 6. Its Service mesh card: in the mesh, its one workload with a sidecar.
  await expect(page.getByText('In mesh', { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText('1 of 1 workloads with sidecar', { exact: true }),
  ).toBeVisible();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // The figure the README reports.
  // eslint-disable-next-line no-console
  console.log(
    `Meshed service template: ${seconds} s from Create to "In mesh" (${serviceName})`,
  );
  test.info().annotations.push({
    type: 'timing',
    description: `template run to "In mesh": ${seconds} s`,
  });
});
