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

/**
 * Serious and critical axe violations inside `selector`: by default the
 * page's content (not the app's sidebar and header, which are Backstage's
 * own); `[role="dialog"]` for a dialog, which renders outside it.
 */
export async function axeViolations(
  page: Page,
  selector = 'article',
): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async include => {
    const axe = (window as any).axe;
    const result = await axe.run(
      { include: [[include]] },
      { resultTypes: ['violations'] },
    );
    return result.violations
      .filter((v: any) => ['serious', 'critical'].includes(v.impact))
      .map(
        (v: any) =>
          `${v.id} (${v.impact}): ${v.nodes
            .map((n: any) => n.target.join(' '))
            .join(', ')}`,
      );
  }, selector);
}

/** Our components, as React names them in its warnings' component stacks. */
const OUR_COMPONENTS =
  /ServiceMesh|NamespaceMeshPanel|WorkloadsTable|ActionDialog|ActionButton|RolloutProgress|WarningsList|SidecarEgressEditor|Upgrade|MeshOverview|unique id property/;

/**
 * React's deprecation of defaultProps in material-table's own components
 * (MTable*, its Droppable), logged once per page for the first table that
 * Backstage's Table renders: the library's, not ours.
 */
const LIBRARY_DEPRECATION =
  /Support for defaultProps will be removed[^\n]*(MTable\w+|Connect\(Droppable\))/;

/**
 * Collects the console warnings and errors that come from our components
 * (or from material-table about our rows), for a journey to assert none.
 */
export function collectOurConsoleWarnings(page: Page): string[] {
  const found: string[] = [];
  page.on('console', message => {
    if (
      ['warning', 'error'].includes(message.type()) &&
      OUR_COMPONENTS.test(message.text()) &&
      !LIBRARY_DEPRECATION.test(message.text())
    ) {
      found.push(message.text().slice(0, 300));
    }
  });
  return found;
}
