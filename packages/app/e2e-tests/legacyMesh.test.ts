import { expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { axeViolations, MESH_TAB, signIn, test } from './support';

/*
 * A developer on the Maistra 0.9 demo cluster (OpenShift 3.11, before
 * istiod): enrolling is opting the pods in, and a stopped injector blocks
 * every new pod of the namespaces its webhook selects.
 */

const KUBECONFIG = path.resolve(__dirname, '../../../.demo/kubeconfig');

function kubectl(args: string[]) {
  return execFileSync(
    'kubectl',
    ['--kubeconfig', KUBECONFIG, '--context', 'demo-maistra-0.9', ...args],
    { encoding: 'utf8' },
  );
}

function scaleInjector(replicas: number) {
  kubectl([
    'scale',
    'deployment',
    'istio-sidecar-injector',
    '-n',
    'istio-system',
    `--replicas=${replicas}`,
  ]);
}

/** The card's "N of M workloads with sidecar", reloading until it settles. */
async function pollSidecars(page: Page) {
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
}

test('on Maistra 0.9 a developer enrolls sleep from its catalog page; with the injector stopped the tab shows the blocking warning and its way out', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/sleep');
  await expect(page.getByText('Not in mesh')).toBeVisible();

  // Enrolling opts the pods in: the dialog shows the annotation before anything is written.
  await page.getByRole('button', { name: 'Enroll in mesh' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('sidecar.istio.io/inject');
  expect(
    kubectl([
      'get',
      'deployment',
      'sleep',
      '-n',
      'sleep',
      '-o',
      'jsonpath={.spec.template.metadata.annotations}',
    ]),
  ).not.toContain('sidecar.istio.io/inject');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByText('Applied')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  await pollSidecars(page);
  await expect(page.getByText('In mesh', { exact: true })).toBeVisible();
  await expect(
    page.getByText(/^Maistra 0 istio-installation in istio-system/),
  ).toBeVisible();
  expect(
    kubectl([
      'get',
      'pods',
      '-n',
      'sleep',
      '-o',
      'jsonpath={.items[*].spec.containers[*].name}',
    ]),
  ).toContain('istio-proxy');

  // The injector stops; its webhook fails closed, so nothing new starts here.
  scaleInjector(0);
  try {
    await page.goto('/catalog/default/component/sleep/service-mesh');
    const warning = page
      .getByRole('listitem')
      .filter({ hasText: 'failed calling admission webhook' });
    await expect
      .poll(
        async () => {
          await page.reload();
          // The panel renders once the status has loaded; count only then.
          await page
            .getByRole('heading', { name: 'Warnings', exact: true })
            .waitFor();
          return warning.count();
        },
        { timeout: 60_000, intervals: [2_000] },
      )
      .toBeGreaterThan(0);
    await expect(warning.first()).toContainText(
      "label the operator's own namespace istio.openshift.com/ignore-namespace",
    );
    await expect(warning.first()).toContainText(
      'kubectl label namespace istio-operator',
    );
    expect(await axeViolations(page, MESH_TAB)).toEqual([]);
  } finally {
    scaleInjector(1);
  }
});
