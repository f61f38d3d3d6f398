import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { searchWithWarnings } from '../../__fixtures__/meshStatus';
import { WorkloadsTable } from './WorkloadsTable';

const workloads = searchWithWarnings().clusters[0].namespaces[0].workloads;

describe('WorkloadsTable', () => {
  it('shows opted-out workloads and those that need a restart', async () => {
    await renderInTestApp(
      <WorkloadsTable
        namespace="search"
        workloads={workloads}
        restartPermission={{ allowed: true, loading: false }}
        onRestart={jest.fn()}
      />,
    );

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
    await renderInTestApp(
      <WorkloadsTable
        namespace="search"
        workloads={[]}
        restartPermission={{ allowed: true, loading: false }}
        onRestart={jest.fn()}
      />,
    );

    expect(
      screen.getByRole('columnheader', { name: 'Workload' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No Deployments, StatefulSets or DaemonSets found.'),
    ).toBeInTheDocument();
  });
});
