import { expect } from '@playwright/test';
import { axeViolations, DIALOG, MESH_TAB, signIn, test } from './support';

/*
 * The confirmations of issue 14 (points 3, 4 and 7) in the browser, on the
 * demo clusters: plain words, other teams' member-roll namespaces counted,
 * "and restart the workloads" in the same confirmation, and the Sidecar
 * egress editor's help with external hosts. Axe runs on the tab and each
 * confirmation; support's `test` fails on our components' console warnings.
 */

test('enrolling an OSSM 2 namespace names only its own namespace, and restarts its workload in the same confirmation', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/legacy-billing/service-mesh');
  await expect(
    page.getByRole('table', { name: 'Mesh settings of legacy-billing' }),
  ).toBeVisible();
  // Its workload already opts in, and it is not a member yet: neither
  // "Enable injection" nor "Remove from mesh" would change anything.
  await expect(
    page.getByRole('button', { name: 'Disable injection' }),
  ).toBeVisible();
  for (const name of ['Enable injection', 'Remove from mesh']) {
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);

  await page.getByRole('button', { name: 'Enroll in mesh' }).first().click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(
    'Add legacy-billing to members (ServiceMeshMemberRoll default in istio-system)',
  );
  await expect(dialog).toContainText(
    /The list also holds \d+ other namespaces/,
  );
  // The other members (bookinfo, orders, ...), the roll's status and uid stay out.
  await expect(dialog).not.toContainText(/bookinfo|orders|uid:|status:/);

  await dialog
    .getByRole('checkbox', { name: /and restart the 1 workload/ })
    .check();
  const then = dialog.getByRole('region', { name: 'Then the restart' });
  await expect(
    then.getByRole('list', { name: 'Pods to be replaced' }),
  ).toContainText(/billing-/);
  expect(await axeViolations(page, DIALOG)).toEqual([]);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByText('Applied')).toHaveCount(2);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Enrolled: the same action is no longer offered, and leaving is.
  await expect(
    page.getByRole('button', { name: 'Remove from mesh' }),
  ).toBeVisible({ timeout: 60_000 });
});

test('the Sidecar egress editor suggests */host for an external host, creates its ServiceEntry once, and applies only a change', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/storefront-web/service-mesh');
  await page.getByRole('button', { name: 'Edit Sidecar egress' }).click();
  const editor = page.getByRole('region', {
    name: /Sidecar egress of storefront/,
  });
  const apply = editor.getByRole('button', { name: 'Apply Sidecar egress' });
  await expect(editor).toContainText(
    'The Sidecar already has these hosts: nothing to apply.',
  );
  await expect(apply).toBeDisabled();

  const host = editor.getByRole('textbox', { name: 'Egress host' });
  await host.fill('api.stripe.com');
  await expect(editor).toContainText('that is */api.stripe.com');
  await editor.getByRole('button', { name: 'Use */api.stripe.com' }).click();
  await expect(
    editor.getByLabel('ServiceEntry for the external hosts'),
  ).toContainText('- api.stripe.com');
  await expect(apply).toBeEnabled();
  expect(await axeViolations(page, MESH_TAB)).toEqual([]);

  // The ServiceEntry the external host needs, created through the usual
  // confirmation (dry run first); asked again, it is already there.
  await editor.getByRole('combobox', { name: 'Port' }).selectOption('HTTPS');
  const createEntry = editor.getByRole('button', {
    name: 'Create ServiceEntry',
  });
  await createEntry.click();
  const entryDialog = page.getByRole('dialog', {
    name: 'Create ServiceEntry external-hosts in storefront',
  });
  const created = entryDialog.getByLabel(
    'ServiceEntry storefront/external-hosts after the change',
  );
  await expect(created).toContainText('- api.stripe.com');
  await expect(created).toContainText('protocol: HTTPS');
  await expect(created).toContainText('location: MESH_EXTERNAL');
  expect(await axeViolations(page, DIALOG)).toEqual([]);
  await entryDialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(entryDialog.getByText('Applied')).toBeVisible();
  await entryDialog.getByRole('button', { name: 'Close' }).click();
  await createEntry.click();
  await expect(entryDialog).toContainText(
    'ServiceEntry external-hosts in storefront already declares api.stripe.com: nothing to change.',
  );
  await expect(
    entryDialog.getByRole('button', { name: 'Confirm' }),
  ).toBeDisabled();
  await entryDialog.getByRole('button', { name: 'Cancel' }).click();

  await apply.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('*/api.stripe.com');
  expect(await axeViolations(page, DIALOG)).toEqual([]);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByText('Applied')).toBeVisible();
});
