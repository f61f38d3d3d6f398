import { expect, Page } from '@playwright/test';

/** Refreshes a README screenshot in docs/images when README_SCREENSHOTS is set. */
export async function screenshot(
  page: Page,
  name: string,
  locator?: ReturnType<Page['locator']>,
) {
  if (!process.env.README_SCREENSHOTS) return;
  const file = `docs/images/${name}.png`;
  await (locator
    ? locator.screenshot({ path: file })
    : page.screenshot({ path: file, fullPage: true }));
}

/** Signs in as the guest and waits for the sidebar. */
export async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}
