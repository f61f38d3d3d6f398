import { test, expect } from '@playwright/test';

test('a guest signs in and finds this repository in the catalog', async ({
  page,
}, testInfo) => {
  await page.goto('/');

  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The catalog lists components owned by the guest's group by default; the
  // repository's own component from catalog-info.yaml must be there.
  const component = page.getByRole('link', {
    name: 'Service mesh for Backstage',
  });
  await expect(component).toBeVisible();
  await component.click();
  await expect(
    page.getByRole('heading', { name: 'Service mesh for Backstage' }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('Backstage plugins that bring services into Istio'),
  ).toBeVisible();

  await page.screenshot({
    path: testInfo.outputPath('catalog-component.png'),
    fullPage: true,
  });
});
