import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { searchWithWarnings } from '../../__fixtures__/meshStatus';
import { axeFindings, tabStopsIn } from '../../__testUtils__/axe';
import { WorkloadsTable } from './WorkloadsTable';

// Clicks in MUI tables are slow on a loaded machine.
jest.setTimeout(30_000);

const workloads = searchWithWarnings().clusters[0].namespaces[0].workloads;

function renderTable(rows = workloads) {
  return renderInTestApp(
    <WorkloadsTable
      namespace="search"
      workloads={rows}
      restartPermission={{ allowed: true, loading: false }}
      onRestart={jest.fn()}
    />,
  );
}

/** The workloads' names, in the order of the table's rows. */
function shownNames() {
  return screen
    .getAllByRole('rowheader')
    .map(cell => cell.textContent?.replace(/^Deployment /, ''));
}

describe('WorkloadsTable', () => {
  it('shows opted-out workloads and those that need a restart', async () => {
    await renderTable();

    const batch = screen.getByRole('row', { name: /Deployment search-batch/ });
    expect(batch).toHaveTextContent('Opted out');
    expect(batch).toHaveTextContent('0 of 1');
    expect(within(batch).queryByRole('button')).not.toBeInTheDocument();

    const indexer = screen.getByRole('row', {
      name: /Deployment search-indexer/,
    });
    expect(indexer).toHaveTextContent('Restart needed');
    expect(indexer).toHaveTextContent('1-22-0 (1.22.0) on 1 pod');
    expect(
      within(indexer).getByRole('button', { name: 'Restart search-indexer' }),
    ).toBeEnabled();
  });

  it('has a heading and a header row, and says when there are no workloads', async () => {
    await renderTable([]);

    expect(
      screen.getByRole('heading', { name: 'Workloads in search' }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Workloads in search' });
    expect(
      within(table).getByRole('columnheader', { name: 'Workload' }),
    ).toBeInTheDocument();
    expect(table).toHaveTextContent(
      'No Deployments, StatefulSets or DaemonSets found.',
    );
  });

  it('sorts by a header, ascending then descending, and says so with aria-sort', async () => {
    await renderTable();
    expect(shownNames()).toEqual([
      'search-api',
      'search-indexer',
      'search-batch',
    ]);

    const header = screen.getByRole('columnheader', {
      name: 'Pods with sidecar',
    });
    await userEvent.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    // 0, 1, 2 pods with a sidecar.
    expect(shownNames()).toEqual([
      'search-batch',
      'search-indexer',
      'search-api',
    ]);

    await userEvent.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(shownNames()).toEqual([
      'search-api',
      'search-indexer',
      'search-batch',
    ]);

    const state = screen.getByRole('columnheader', { name: 'State' });
    await userEvent.click(within(state).getByRole('button'));
    expect(state).toHaveAttribute('aria-sort', 'ascending');
    expect(header).not.toHaveAttribute('aria-sort');
    // Opted out, Restart needed, Up to date.
    expect(shownNames()).toEqual([
      'search-batch',
      'search-indexer',
      'search-api',
    ]);
  });

  it('pages many workloads, and sorting starts again at the first page', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      ...workloads[0],
      name: `worker-${i + 1}`,
    }));
    await renderTable(many);

    expect(screen.getAllByRole('rowheader')).toHaveLength(25);
    expect(screen.getByText('1-25 of 30')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(shownNames()[0]).toBe('worker-26');

    await userEvent.click(screen.getByRole('button', { name: 'Workload' }));
    await userEvent.click(screen.getByRole('button', { name: 'Workload' }));
    // Descending, and numbers in names compare as numbers.
    expect(shownNames().slice(0, 3)).toEqual([
      'worker-30',
      'worker-29',
      'worker-28',
    ]);
    expect(screen.getByText('1-25 of 30')).toBeInTheDocument();
  });

  it('shows no pagination when the workloads fit on one page', async () => {
    await renderTable();
    expect(
      screen.queryByRole('button', { name: 'Next page' }),
    ).not.toBeInTheDocument();
  });

  it('gives a sorting header one control and others none, and axe finds nothing serious', async () => {
    const { container } = await renderTable();

    const headers = screen.getAllByRole('columnheader');
    expect(headers).toHaveLength(8);
    // One sort button a sorting column; Links and Actions do not sort.
    expect(headers.map(tabStopsIn)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(await axeFindings(container)).toEqual([]);
  });
});
