import { test, expect, Page } from '@playwright/test';
import { screenshot, signIn } from './support';

/*
 * Journeys of a developer on the demo clusters that the test command starts
 * with the app (fresh for every run). Set README_SCREENSHOTS=1 to refresh the
 * screenshots in docs/images.
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
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(expectInDialog);
  return dialog;
}

test('a developer brings a service into the mesh, restarts it and limits its egress', async ({
  page,
}, testInfo) => {
  await signIn(page);
  await page.goto('/catalog/default/component/notifications-service');
  // Only used for the README screenshot.
  const card = page.locator('.MuiCard-root', {
    hasText: 'workloads with sidecar',
  });
  await expect(page.getByText('Not in mesh')).toBeVisible();

  await entityMeshTab(page).click();
  await expect(
    page.getByRole('table', { name: 'Mesh settings of notifications' }),
  ).toBeVisible();

  // 1. Enroll: the confirmation shows the exact label change before anything is written.
  const enroll = await confirmAction(page, 'Enroll in mesh', /istio-injection/);
  await screenshot(page, 'confirmation-dialog', enroll);
  await enroll.getByRole('button', { name: 'Confirm' }).click();
  await expect(enroll.getByText('Applied')).toBeVisible();
  await enroll.getByRole('button', { name: 'Close' }).click();

  // 2. Restart so that running pods get the sidecar.
  const restart = await confirmAction(
    page,
    'Restart workloads',
    /notifications-service/,
  );
  await restart.getByRole('button', { name: 'Confirm' }).click();
  await expect(restart.getByText('Applied')).toBeVisible();
  await restart.getByRole('button', { name: 'Close' }).click();

  // 3. The card turns to "in mesh, N of N workloads with sidecar".
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  await expect
    .poll(
      async () => {
        await page.reload();
        return (
          (await page
            .getByText(/workloads? with sidecar/)
            .first()
            .textContent()) ?? ''
        );
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toMatch(/^(\d+) of \1 workloads? with sidecar$/);
  await expect(page.getByText('In mesh', { exact: true })).toBeVisible();
  await screenshot(page, 'entity-card', card);

  // 4. A Sidecar egress: defaults to ./* and the control plane, one host added.
  await entityMeshTab(page).click();
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
});

test('the Kiali and Jaeger links follow the consoles URL schemes of the discovered Routes', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/bookinfo');
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

  // Both injection labels: the warning offers the fix.
  await page.goto('/catalog/default/component/search-service/service-mesh');
  await expect(page.getByText('IST0123')).toBeVisible();
  await expect(
    page.getByRole('button', { name: /Use revision prod-canary only/i }),
  ).toBeEnabled();
  await screenshot(page, 'entity-tab');
});
