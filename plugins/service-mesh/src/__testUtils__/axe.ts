import axe from 'axe-core';

/**
 * What axe finds in the rendered page that the journeys would fail on:
 * serious and critical violations, and heading-order (moderate, but a
 * skipped level misleads screen-reader users navigating by headings).
 * Rules that need a real page (colour contrast, landmarks around a test
 * render) are left to the browser journeys.
 */
export async function axeFindings(
  context: Element = document.body,
): Promise<string[]> {
  const result = await axe.run(context, {
    rules: {
      'color-contrast': { enabled: false },
      region: { enabled: false },
    },
    resultTypes: ['violations'],
  });
  return result.violations
    .filter(
      v =>
        v.impact === 'serious' ||
        v.impact === 'critical' ||
        v.id === 'heading-order',
    )
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.nodes
          .map(n => n.html.slice(0, 120))
          .join(' | ')}`,
    );
}

/**
 * The controls inside `element` that take focus: a table header with more
 * than one nests them, or gives a column two tab stops.
 */
export function tabStopsIn(element: Element): number {
  return element.querySelectorAll(
    'button, a[href], input, select, textarea, [role="button"], [tabindex]:not([tabindex="-1"])',
  ).length;
}
