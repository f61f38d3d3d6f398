import { expect, Page } from '@playwright/test';
import {
  axeViolations,
  DIALOG,
  MESH_CARD,
  MESH_TAB,
  screenshot,
  signIn,
  test,
} from './support';

/*
 * Journeys of a developer on the demo clusters that the test command starts
 * with the app (fresh for every run). Set README_SCREENSHOTS=1 to refresh the
 * screenshots in docs/images. Each journey fails on a console warning from
 * our components (support's `test`), and runs axe on the card, the tab and
 * each dialog it opens.
 */

/** The entity's "Service mesh" tab, not the sidebar's "Service mesh" page. */
function entityMeshTab(page: Page) {
  return page
    .getByRole('link', { name: 'Service mesh', exact: true })
    .and(page.locator(':not([href="/service-mesh"])'));
}

async function confirmAction(
  page: Page,
  button: string,
  expectInDialog: RegExp,
) {
  // An action and a warning's fix for it share the one name: the first is the action.
  await page.getByRole('button', { name: button }).first().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(expectInDialog);
  expect(await axeViolations(page, DIALOG)).toEqual([]);
  return dialog;
}

test('from the card alone, a developer enrolls a service and restarts it, and the card follows to "In mesh" without a reload', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/notifications-service');
  const card = page.getByRole('region', { name: 'Service mesh' });
  await expect(card.getByText(/^Not in mesh/)).toBeVisible();
  await expect(card.getByText('live', { exact: true })).toBeVisible();
  // Near the top of the overview: level with the About card.
  const about = page.locator('article', {
    has: page.getByRole('heading', { name: 'About', exact: true }),
  });
  const [cardBox, aboutBox] = [
    await card.boundingBox(),
    await about.boundingBox(),
  ];
  expect(cardBox!.y).toBeLessThanOrEqual(aboutBox!.y + 24);
  await expect(
    card.getByRole('link', { name: /Open the Service mesh tab/ }),
  ).toHaveAttribute('href', /\/notifications-service\/service-mesh$/);
  expect(await axeViolations(page, MESH_CARD)).toEqual([]);

  // 1. The card leads with Enroll; the confirmation shows the exact change.
  await card.getByRole('button', { name: 'Enroll in mesh' }).click();
  const enroll = page.getByRole('dialog');
  await expect(enroll).toContainText(/istio-injection/);
  await expect(enroll.getByRole('button', { name: 'Confirm' })).toBeEnabled();
  expect(await axeViolations(page, DIALOG)).toEqual([]);
  await screenshot(page, 'confirmation-dialog', enroll);
  await enroll.getByRole('button', { name: 'Confirm' }).click();
  await expect(enroll.getByText('Applied')).toBeVisible();
  await enroll.getByRole('button', { name: 'Close' }).click();

  // 2. The namespace is in; the card's next step is the restart.
  const restartButton = card.getByRole('button', {
    name: /^Restart \d+ workloads?$/,
  });
  await expect(restartButton).toBeEnabled({ timeout: 30_000 });
  await expect(card).toContainText('notifications is a member of the mesh');
  await restartButton.click();
  const restart = page.getByRole('dialog');
  await expect(restart).toContainText(/notifications-service/);
  expect(await axeViolations(page, DIALOG)).toEqual([]);
  await restart.getByRole('button', { name: 'Confirm' }).click();
  await expect(restart.getByText('Applied')).toBeVisible();
  await restart.getByRole('button', { name: 'Close' }).click();

  // 3. The card follows the rollout, then reaches "In mesh" with no reload.
  await expect(card).toContainText(
    /Rolled out: (\d+) of \1 pods? on the new proxy/,
    { timeout: 60_000 },
  );
  await expect(card.getByText(/^In mesh(,|$)/)).toBeVisible();
  await expect(card).toContainText(/(\d+) of \1 workloads? with sidecar/);
  await expect(card).not.toContainText('need a restart');
  await expect(card.getByRole('button', { name: /^Restart/ })).toHaveCount(0);
  expect(await axeViolations(page, MESH_CARD)).toEqual([]);
  await screenshot(page, 'entity-card', card);
});

test('a developer limits the egress of a service in the mesh', async ({
  page,
}, testInfo) => {
  await signIn(page);
  await page.goto('/catalog/default/component/notifications-service');
  await entityMeshTab(page).click();
  await expect(
    page.getByRole('table', { name: 'Mesh settings of notifications' }),
  ).toBeVisible();
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);

  // A Sidecar egress: defaults to ./* and the control plane, one host added.
  await page.getByRole('button', { name: 'Create Sidecar egress' }).click();
  const host = page.getByRole('textbox', { name: 'Egress host' });
  await host.fill('Not A Host');
  await expect(page.getByRole('button', { name: 'Add host' })).toBeDisabled();
  await host.fill('catalog/*');
  await page.getByRole('button', { name: 'Add host' }).click();
  const editor = page.getByRole('region', {
    name: /Sidecar egress of notifications/,
  });
  await expect(editor).toContainText(/Visible services/);
  await expect(editor).toContainText('catalog/*');
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);
  await screenshot(page, 'sidecar-editor', editor);
  const apply = await confirmAction(
    page,
    'Apply Sidecar egress',
    /kind: Sidecar/,
  );
  await apply.getByRole('button', { name: 'Confirm' }).click();
  await expect(apply.getByText('Applied')).toBeVisible();
  await apply.getByRole('button', { name: 'Close' }).click();
  await expect(
    page.getByRole('row', { name: /Sidecar resources/ }),
  ).toContainText('default');
  await page.screenshot({
    path: testInfo.outputPath('service-mesh-tab.png'),
    fullPage: true,
  });
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);
});

test('on a component owned by another team, actions are disabled with the reason', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/payments-api/service-mesh');
  await expect(
    page.getByRole('table', { name: 'Mesh settings of payments' }),
  ).toBeVisible();
  await expect(
    page
      .getByText(
        'Only the owners of payments-api can change its mesh settings.',
      )
      .first(),
  ).toBeVisible();
  for (const name of ['Remove from mesh', 'Restart workloads']) {
    await expect(page.getByRole('button', { name })).toBeDisabled();
  }
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);
});

test('the Kiali and Jaeger links follow the consoles URL schemes of the discovered Routes', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/bookinfo');
  await expect(page.getByText(/workloads? with sidecar/)).toBeVisible();
  expect(await axeViolations(page, MESH_CARD)).toEqual([]);
  await expect(page.getByRole('link', { name: 'Kiali' })).toHaveAttribute(
    'href',
    'https://kiali-istio-system.apps.demo.example.com/console/graph/namespaces/?namespaces=bookinfo&graphType=versionedApp',
  );
  await expect(page.getByRole('link', { name: 'Jaeger' })).toHaveAttribute(
    'href',
    /^https:\/\/jaeger-istio-system\.apps\.demo\.example\.com\/search\?service=[a-z]+\.bookinfo&lookback=1h$/,
  );
  await entityMeshTab(page).click();
  await expect(
    page.getByRole('link', { name: 'Kiali' }).first(),
  ).toHaveAttribute(
    'href',
    /\/console\/namespaces\/bookinfo\/workloads\/[a-z0-9-]+$/,
  );
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);

  // Both injection labels: the warning offers the fix.
  await page.goto('/catalog/default/component/search-service/service-mesh');
  await expect(page.getByText('IST0123')).toBeVisible();
  await expect(
    page.getByRole('button', { name: /Use revision prod-canary only/i }),
  ).toBeEnabled();
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);
  await screenshot(page, 'entity-tab');
});
