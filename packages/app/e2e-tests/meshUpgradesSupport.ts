import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page } from '@playwright/test';

/*
 * What the journeys on the Service mesh page share: the wizard's Material
 * UI fields, and kubectl against the demo clusters the test
 * command starts with the app (with the fault API, scripts/demo-cluster.sh).
 */

const KUBECONFIG = path.resolve(__dirname, '../../../.demo/kubeconfig');

export type DemoContext = 'demo-istio-revisions' | 'demo-sail';

/** Picks an option of a Material UI select, named by its label and value. */
export async function select(page: Page, label: string, option: string) {
  // The name is the label then the value; an empty value is a zero-width space.
  await page
    .getByRole('button', { name: new RegExp(`^${label}( |\u200b|$)`) })
    .click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Picks options of a Material UI autocomplete. */
export async function pick(page: Page, label: string, options: string[]) {
  for (const option of options) {
    await page.getByLabel(label).fill(option);
    await page.getByRole('option', { name: option, exact: true }).click();
  }
}

/** Opens the Service mesh page from the sidebar and waits for its revisions. */
export async function openMeshPage(page: Page) {
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Service mesh', exact: true })
    .click();
  await expect(
    page
      .getByRole('table', { name: 'Revisions of Istio in istio-system' })
      .first(),
  ).toBeVisible();
}

function kubectl(context: DemoContext, args: string[], input?: string) {
  return execFileSync(
    'kubectl',
    ['--kubeconfig', KUBECONFIG, '--context', context, ...args],
    { encoding: 'utf8', input },
  );
}

/** Makes the workload's next pods fail, through the demo cluster's fault API. */
export function breakWorkload(
  context: DemoContext,
  workload: { namespace: string; name: string; mode: 'crashLoop' | 'unready' },
) {
  kubectl(
    context,
    ['create', '--raw', '/demo-cluster/faults/workloads', '-f', '-'],
    JSON.stringify(workload),
  );
}

/** Heals every broken workload of the cluster. */
export function healWorkloads(context: DemoContext) {
  kubectl(context, ['delete', '--raw', '/demo-cluster/faults/workloads']);
}

/** The proxy revision of every running pod of the namespaces, from kubectl. */
export function proxyRevisions(
  context: DemoContext,
  namespaces: string[],
): string[] {
  return namespaces.flatMap(namespace => {
    const pods = JSON.parse(
      kubectl(context, ['-n', namespace, 'get', 'pods', '-o', 'json']),
    ).items as Array<{
      metadata: { name: string; annotations?: Record<string, string> };
      status?: { phase?: string };
    }>;
    return pods
      .filter(p => p.status?.phase === 'Running')
      .map(p => {
        const status = p.metadata.annotations?.['sidecar.istio.io/status'];
        const revision = status ? JSON.parse(status).revision : 'none';
        return `${namespace}/${p.metadata.name}: ${revision}`;
      });
  });
}

/** The namespace's labels, from kubectl. */
export function namespaceLabels(
  context: DemoContext,
  namespace: string,
): Record<string, string> {
  return JSON.parse(
    kubectl(context, ['get', 'namespace', namespace, '-o', 'json']),
  ).metadata.labels;
}

/**
 * Relabels the namespace and restarts its Deployments, as a team moving to
 * another revision or tag does, so its new pods are injected accordingly.
 */
export function relabelAndRestart(
  context: DemoContext,
  namespace: string,
  labels: Record<string, string>,
) {
  kubectl(context, [
    'label',
    'namespace',
    namespace,
    '--overwrite',
    ...Object.entries(labels).map(([key, value]) => `${key}=${value}`),
  ]);
  kubectl(context, ['-n', namespace, 'rollout', 'restart', 'deployment']);
}
