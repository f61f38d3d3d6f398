import { test as base, expect, Page } from '@playwright/test';

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

/** Where axe looks: our card on the overview, our tab's content, a dialog. */
export const MESH_CARD = 'section[aria-label="Service mesh"]';
export const MESH_TAB = 'section[aria-labelledby="service-mesh-tab-heading"]';
export const DIALOG = '[role="dialog"]';

/** A frame of our plugin's source, as the dev server names it in stacks. */
const OUR_SOURCE =
  /webpack-internal:\/\/\/\.\.\/\.\.\/plugins\/service-mesh\/src\//;

/** React's component stack: the "    at Component (file:line:column)" lines. */
const COMPONENT_STACK = /\n\s+at \S+/;

/** Our backend's API, whose failed requests are ours to explain. */
const OUR_API = /^http:\/\/localhost:7007\/api\/service-mesh\//;

/**
 * Known noise that is not ours, each kept narrow so that the same kind of
 * warning from our components still fails the journey.
 */
const NOT_OURS: Array<{
  why: string;
  test: (text: string, url: string) => boolean;
}> = [
  {
    why:
      "Backstage's app registers its default icons (catalog, kind:*, ...) " +
      'as IconComponent; logged once per page load, with no stack',
    test: text =>
      text.startsWith('The following icons were registered as IconComponent'),
  },
  {
    why:
      "Chromium's own log of a failed request to another plugin's API (the " +
      'location is the request): theirs, as a journey sees on the page',
    test: (text, url) =>
      text.startsWith('Failed to load resource:') && !OUR_API.test(url),
  },
  {
    why:
      "material-table's warning about its columns, with no stack: our plugin " +
      "renders no material-table (its tables are plain MUI); the catalog's do",
    test: text =>
      text.startsWith('The columns provided to material table are static'),
  },
  {
    why:
      'react-aria and react-stately, which only the scaffolder and Backstage UI ' +
      'bring into the app (our plugin uses neither), log these with no stack',
    test: text =>
      text.startsWith('<Focusable> child must have an interactive ARIA role') ||
      text.startsWith(
        'WARN: A component changed from uncontrolled to controlled',
      ),
  },
  {
    why:
      "Chromium's log of the signals plugin's WebSocket failing while the " +
      'backend restarts; its client reconnects by itself',
    test: text =>
      text.startsWith(
        "WebSocket connection to 'ws://localhost:7007/api/signals' failed",
      ),
  },
];

/**
 * Whether a console warning or error is ours to fix: React's warnings name
 * the components they come from in a component stack, so one through our
 * source is ours; a message with no stack (MUI's "Material-UI: ...", a
 * library's own console.warn, a failed request) cannot be placed by it, so
 * it counts as ours unless NOT_OURS says whose it is.
 */
export function isOurConsoleWarning(text: string, url: string): boolean {
  if (NOT_OURS.some(noise => noise.test(text, url))) return false;
  return (
    OUR_SOURCE.test(text) || OUR_SOURCE.test(url) || !COMPONENT_STACK.test(text)
  );
}

/**
 * Collects the console warnings and errors, and the uncaught errors, that
 * come from our components, for a journey to assert none.
 */
export function collectOurConsoleWarnings(page: Page): string[] {
  const found: string[] = [];
  page.on('console', message => {
    if (
      ['warning', 'error'].includes(message.type()) &&
      isOurConsoleWarning(message.text(), message.location().url)
    ) {
      found.push(`${page.url()}: ${message.text().slice(0, 600)}`);
    }
  });
  page.on('pageerror', error => {
    if (OUR_SOURCE.test(error.stack ?? '')) {
      found.push(`${page.url()}: uncaught ${error.stack?.slice(0, 600)}`);
    }
  });
  return found;
}

/**
 * Playwright's test, failing any journey during which our components log
 * a warning or an error (after its own steps, with the messages).
 */
export const test = base.extend<{ ourConsoleWarnings: string[] }>({
  ourConsoleWarnings: [
    async ({ page }, use) => {
      const found = collectOurConsoleWarnings(page);
      await use(found);
      expect(found, 'console warnings from our components').toEqual([]);
    },
    { auto: true },
  ],
});
