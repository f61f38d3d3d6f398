import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { searchWithWarnings } from '../../__fixtures__/meshStatus';
import { WorkloadsTable } from './WorkloadsTable';

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

  it('has a header row', async () => {
    await renderTable([]);

    expect(
      screen.getByRole('columnheader', { name: 'Workload' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No Deployments, StatefulSets or DaemonSets found.'),
    ).toBeInTheDocument();
  });

  it('gives each header one tab stop, not a drag handle around the sort button', async () => {
    await renderTable();

    const headers = screen.getAllByRole('columnheader');
    expect(headers).toHaveLength(8);
    for (const header of headers) {
      // axe's nested-interactive: no control inside another control.
      const focusable = header.querySelectorAll(
        'button, [role="button"], [tabindex]:not([tabindex="-1"])',
      );
      expect(focusable.length).toBeLessThanOrEqual(1);
    }
  });

  it('gives material-table an id per row, so it warns of none missing', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    // material-table checks row ids only in development builds.
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      await renderTable();
      expect(screen.getAllByRole('row')).toHaveLength(workloads.length + 1);
    } finally {
      process.env.NODE_ENV = env;
    }
    expect(warn).not.toHaveBeenCalledWith(
      expect.stringMatching(/requires all rows to have an unique id/),
    );
    warn.mockRestore();
  });
});
