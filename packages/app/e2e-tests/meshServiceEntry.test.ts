import { test, expect } from '@playwright/test';
import { axeViolations, signIn } from './support';

/*
 * Issue 14 point 7 in the browser, on the Sail demo cluster: an external
 * host in the Sidecar egress editor is offered its ServiceEntry, created
 * through the usual confirmation (dry run first), and a second request
 * finds it already there.
 */

test('the Sidecar egress editor creates the ServiceEntry an external host needs, once', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/storefront-web/service-mesh');
  await page.getByRole('button', { name: 'Edit Sidecar egress' }).click();
  const editor = page.getByRole('region', {
    name: /Sidecar egress of storefront/,
  });
  await editor
    .getByRole('textbox', { name: 'Egress host' })
    .fill('api.stripe.com');
  await editor.getByRole('button', { name: 'Use */api.stripe.com' }).click();
  await editor.getByRole('combobox', { name: 'Port' }).selectOption('HTTPS');

  const create = editor.getByRole('button', { name: 'Create ServiceEntry' });
  await create.click();
  const dialog = page.getByRole('dialog', {
    name: 'Create ServiceEntry external-hosts in storefront',
  });
  const created = dialog.getByLabel(
    'ServiceEntry storefront/external-hosts after the change',
  );
  await expect(created).toContainText('- api.stripe.com');
  await expect(created).toContainText('protocol: HTTPS');
  await expect(created).toContainText('location: MESH_EXTERNAL');
  expect(await axeViolations(page, '[role="dialog"]')).toEqual([]);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByText('Applied')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The editor is still open, and the same ServiceEntry is now there.
  await create.click();
  await expect(dialog).toContainText(
    'ServiceEntry external-hosts in storefront already declares api.stripe.com: nothing to change.',
  );
  await expect(dialog.getByRole('button', { name: 'Confirm' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(
    editor.getByRole('button', { name: 'Apply Sidecar egress' }),
  ).toBeEnabled();
});
